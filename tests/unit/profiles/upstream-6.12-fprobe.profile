# A 6.12 built from linux-source-6.12 with the KERNEL-LAB.md fragment
# (KPROBES, FPROBE, BTF): every load+attach probe succeeds.
release = 6.12.12
version = #1 SMP PREEMPT_DYNAMIC
config_source = /proc/config.gz
lockdown = none

config.KPROBES = yes
config.KPROBE_EVENTS = yes
config.FPROBE = yes
config.FUNCTION_TRACER = yes
config.DYNAMIC_FTRACE_WITH_DIRECT_CALLS = yes
config.DEBUG_INFO_BTF = yes
config.BPF_EVENTS = yes
config.BPF_JIT = yes
config.TASKS_RCU = yes

btf.vmlinux = yes
btf.modules = no
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
probe.kprobe_multi = yes
probe.kprobe = yes
probe.raw_tp = yes
