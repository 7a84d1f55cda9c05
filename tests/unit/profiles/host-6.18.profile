# The developer/CI host (KERNEL-LAB.md, measured 2026-11-27): a 6.18 VM
# kernel with BTF, lockdown=integrity, no CONFIG_KPROBES, no CONFIG_FPROBE,
# and fentry refused with EPERM (empty verifier log) although BTF is there.
release = 6.18.44-fc-v769
version = #1 SMP PREEMPT_DYNAMIC @0
config_source = /proc/config.gz
lockdown = integrity

config.KPROBES = no
config.KPROBE_EVENTS = no
config.FPROBE = no
config.FUNCTION_TRACER = yes
config.DYNAMIC_FTRACE_WITH_DIRECT_CALLS = yes
config.DEBUG_INFO_BTF = yes
config.BPF_EVENTS = yes
config.BPF_JIT = yes

btf.vmlinux = yes
btf.modules = no
btf.external = no

priv.root = yes
priv.CAP_BPF = yes
priv.CAP_PERFMON = yes
priv.CAP_SYS_ADMIN = yes

fs.tracefs = yes
fs.available_filter_functions = no EPERM
kprobe.pmu = no ENOENT

map.ringbuf = yes
helper.probe_read_kernel = yes
helper.get_func_ip = yes
helper.attach_cookie = yes
helper.snprintf_btf = yes

bpf.rodata_constants = yes

probe.fentry = no EPERM
probe.kprobe_multi = no EOPNOTSUPP
probe.kprobe = no ENOENT
probe.raw_tp = yes
