// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe.multi backend: one fprobe-based link per skb position, the function
 * told apart by its cookie (kprobe.multi and its cookies both came in 5.18).
 */
#define KP_SEC "kprobe.multi"
#define KP_RET_SEC "kretprobe.multi"
#define KP_NAME(x) kmulti_##x
#include "../common/kprobe_tmpl.bpf.h"
#include "track_clone.bpf.h"
