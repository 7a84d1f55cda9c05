# Debian 11 (bullseye) 5.10.0-46 as booted in the lab (KERNEL-LAB.md): fentry
# and classic kprobes work, no kprobe.multi (it came in 5.18, and FPROBE with it).
release = 5.10.0-46-amd64
version = #1 SMP Debian 5.10.262-1 (2025-10-01)
config_source = /boot/config-5.10.0-46-amd64
lockdown = none

config.KPROBES = yes
config.KPROBE_EVENTS = yes
config.FPROBE = no
config.FUNCTION_TRACER = yes
config.DYNAMIC_FTRACE_WITH_DIRECT_CALLS = yes
config.DEBUG_INFO_BTF = yes
config.BPF_EVENTS = yes
config.BPF_JIT = yes
config.TASKS_RCU = no

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

probe.fentry = yes
probe.kprobe_multi = no EINVAL
probe.kprobe = yes
probe.raw_tp = yes
bpf.rodata_constants = yes
