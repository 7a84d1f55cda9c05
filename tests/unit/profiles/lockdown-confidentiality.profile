# Ubuntu 22.04 (5.15) booted with lockdown=confidentiality: the kernel
# refuses kprobes (LOCKDOWN_KPROBES) and withholds bpf_probe_read_kernel
# (LOCKDOWN_BPF_READ_KERNEL), so no backend can read packets. The raw
# tracepoint still attaches, which is why the verdict cannot come from the
# attach probes alone.
release = 5.15.0-125-generic
version = #135-Ubuntu SMP Fri Sep 27 13:53:58 UTC 2024
version_signature = Ubuntu 5.15.0-125.135-generic 5.15.163
config_source = /boot/config-5.15.0-125-generic
lockdown = confidentiality

config.KPROBES = yes
config.KPROBE_EVENTS = yes
config.FPROBE = no
config.FUNCTION_TRACER = yes
config.DYNAMIC_FTRACE_WITH_DIRECT_CALLS = yes
config.DEBUG_INFO_BTF = yes
config.BPF_EVENTS = yes
config.BPF_JIT = yes

btf.vmlinux = yes
btf.modules = yes
btf.external = no

priv.root = yes
priv.CAP_BPF = yes
priv.CAP_PERFMON = yes
priv.CAP_SYS_ADMIN = yes

fs.tracefs = no EPERM
fs.available_filter_functions = no EPERM
kprobe.pmu = yes

map.ringbuf = yes
helper.probe_read_kernel = no
helper.get_func_ip = yes
helper.attach_cookie = yes
helper.snprintf_btf = no

bpf.rodata_constants = yes

probe.fentry = yes
probe.kprobe_multi = no EINVAL
probe.kprobe = no EPERM
probe.raw_tp = yes
