// SPDX-License-Identifier: GPL-2.0
/* Classic kprobe backend: one kprobe per traced function (kprobe_tmpl.bpf.h). */
#define KP_SEC "kprobe"
#define KP_RET_SEC "kretprobe"
#define KP_NAME(x) kprobe_##x
#include "../common/kprobe_tmpl.bpf.h"
#include "track_clone.bpf.h"
