# Ubuntu 18.04 GA kernel 4.15: below pwru's floor (5.5). No BPF_F_RDONLY_PROG
# (global data, 5.2), so the floor probe's map is refused (EINVAL), and no
# verifier that reads .rodata as constants (5.5): pwru's templates, which
# branch on their .rodata config to ring buffer (5.8) and cookie (5.15)
# paths, cannot load on any backend, even with a BTF file for this kernel
# (BTFHub) passed as --kernel-btf. A two-instruction kprobe loads and
# attaches here; pwru's own kprobe program does not. Also no raw
# tracepoints before 4.17 (EINVAL), no ring buffer, no CAP_BPF.
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
fs.available_filter_functions = yes
kprobe.pmu = yes

map.ringbuf = no
helper.probe_read_kernel = no
helper.get_func_ip = no
helper.attach_cookie = no
helper.snprintf_btf = no

bpf.rodata_constants = no EINVAL
bpf.rodata_constants.detail = map create (BPF_F_RDONLY_PROG, 5.2)

probe.fentry = no ENOENT
probe.kprobe_multi = no EINVAL
probe.kprobe = no EINVAL
probe.raw_tp = no EINVAL
