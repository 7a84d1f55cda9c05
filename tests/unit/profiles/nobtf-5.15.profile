# A self-built 5.15 without CONFIG_DEBUG_INFO_BTF (embedded and appliance
# kernels often drop it to save space). No vmlinux BTF, so no fentry;
# kprobe.multi is newer than 5.15 (EINVAL). Classic kprobes and raw
# tracepoints attach, but pwru's CO-RE programs need BTF: usable only with
# --kernel-btf (the unit test flips btf.external to check both cases).
release = 5.15.160
version = #1 SMP
config_source = /boot/config-5.15.160
lockdown = none

config.KPROBES = yes
config.KPROBE_EVENTS = yes
config.FPROBE = no
config.FUNCTION_TRACER = yes
config.DYNAMIC_FTRACE_WITH_DIRECT_CALLS = yes
config.DEBUG_INFO_BTF = no
config.BPF_EVENTS = yes
config.BPF_JIT = yes

btf.vmlinux = no ENOENT
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

# fentry is not even tried without vmlinux BTF
bpf.rodata_constants = yes

probe.fentry = no ENOENT
probe.kprobe_multi = no EINVAL
probe.kprobe = yes
probe.raw_tp = yes
