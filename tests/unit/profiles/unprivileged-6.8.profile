# Ubuntu 24.04 (6.8), pwru run as an ordinary user without capabilities:
# every load is refused with EPERM, and the verdict must blame privileges,
# not a security policy.
release = 6.8.0-49-generic
version = #49-Ubuntu SMP PREEMPT_DYNAMIC Mon Nov  4 02:06:24 UTC 2024
version_signature = Ubuntu 6.8.0-49.49-generic 6.8.12
config_source = /boot/config-6.8.0-49-generic
lockdown = none

config.KPROBES = yes
config.KPROBE_EVENTS = yes
config.FPROBE = yes
config.FUNCTION_TRACER = yes
config.DYNAMIC_FTRACE_WITH_DIRECT_CALLS = yes
config.DEBUG_INFO_BTF = yes
config.BPF_EVENTS = yes
config.BPF_JIT = yes

btf.vmlinux = yes
btf.modules = yes
btf.external = no

priv.root = no
priv.CAP_BPF = no
priv.CAP_PERFMON = no
priv.CAP_SYS_ADMIN = no

probe.fentry = no EPERM
probe.kprobe_multi = no EPERM
probe.kprobe = no EACCES
probe.raw_tp = no EPERM
