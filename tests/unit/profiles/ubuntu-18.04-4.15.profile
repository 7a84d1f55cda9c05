# Ubuntu 18.04 GA kernel 4.15: no BTF, no ring buffer (events go through the
# perf buffer), no bpf_probe_read_kernel (libbpf rewrites it to
# bpf_probe_read), no raw tracepoints before 4.17 (EINVAL), no CAP_BPF.
# With a BTF file for this kernel (BTFHub) passed as --kernel-btf, classic
# kprobes are usable; the unit test also checks the case without it.
release = 4.15.0-213-generic
version = #224-Ubuntu SMP Mon Jun 19 13:30:12 UTC 2023
version_signature = Ubuntu 4.15.0-213.224-generic 4.15.18
config_source = /boot/config-4.15.0-213-generic
kernel_btf = /var/lib/pwru/4.15.0-213-generic.btf
lockdown = none

config.KPROBES = yes
config.KPROBE_EVENTS = yes
config.FPROBE = no
config.FUNCTION_TRACER = yes
config.DYNAMIC_FTRACE_WITH_DIRECT_CALLS = no
config.DEBUG_INFO_BTF = no
config.BPF_EVENTS = yes
config.BPF_JIT = yes

btf.vmlinux = no ENOENT
btf.modules = no
btf.external = yes

priv.root = yes
priv.CAP_BPF = no
priv.CAP_PERFMON = no
priv.CAP_SYS_ADMIN = yes

fs.tracefs = yes
fs.debugfs = yes
fs.available_filter_functions = yes
kprobe.pmu = yes
kprobe.legacy_events = yes

map.ringbuf = no
helper.probe_read_kernel = no
helper.get_func_ip = no
helper.attach_cookie = no
helper.snprintf_btf = no

probe.fentry = no ENOENT
probe.kprobe_multi = no EINVAL
probe.kprobe = yes
probe.raw_tp = no EINVAL
