# Debian 12 (bookworm) generic kernel, as booted under QEMU (KERNEL-LAB.md):
# fentry and classic kprobes work, kprobe.multi link create fails with
# EOPNOTSUPP because Debian's 6.1 configs leave CONFIG_FPROBE unset.
release = 6.1.0-27-amd64
version = #1 SMP PREEMPT_DYNAMIC Debian 6.1.115-1 (2024-11-01)
config_source = /boot/config-6.1.0-27-amd64
lockdown = none

config.KPROBES = yes
config.KPROBE_EVENTS = yes
config.FPROBE = no
config.FUNCTION_TRACER = yes
config.DYNAMIC_FTRACE_WITH_DIRECT_CALLS = yes
config.DEBUG_INFO_BTF = yes
config.BPF_EVENTS = yes
config.BPF_JIT = yes
config.TASKS_RCU = yes

btf.vmlinux = yes
btf.modules = yes
btf.external = no

priv.root = yes
priv.CAP_BPF = yes
priv.CAP_PERFMON = yes
priv.CAP_SYS_ADMIN = yes

fs.tracefs = yes
fs.available_filter_functions = yes
kprobe.pmu = yes

map.ringbuf = yes
helper.probe_read_kernel = yes
helper.get_func_ip = yes
helper.attach_cookie = yes
helper.snprintf_btf = yes

bpf.rodata_constants = yes

probe.fentry = yes
probe.kprobe_multi = no EOPNOTSUPP
probe.kprobe = yes
probe.raw_tp = yes
