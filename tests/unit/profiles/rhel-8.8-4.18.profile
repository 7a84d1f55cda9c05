# RHEL 8.8 (4.18.0-477): the version says 4.18, but Red Hat backported BTF,
# BPF trampolines (fentry), the ring buffer and most helpers. No
# kprobe.multi (EINVAL: attach type unknown). Auto picks fentry, found by
# probing, not by the version number.
release = 4.18.0-477.10.1.el8_8.x86_64
version = #1 SMP Wed Apr 5 13:35:01 EDT 2023
config_source = /boot/config-4.18.0-477.10.1.el8_8.x86_64
lockdown = none

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

fs.tracefs = yes
fs.available_filter_functions = yes
kprobe.pmu = yes

# backported: the probe says yes where the version would say no
map.ringbuf = yes
helper.probe_read_kernel = yes
helper.get_func_ip = yes
helper.attach_cookie = no
helper.snprintf_btf = yes

bpf.rodata_constants = yes

probe.fentry = yes
probe.kprobe_multi = no EINVAL
probe.kprobe = yes
probe.raw_tp = yes
