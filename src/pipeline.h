/* SPDX-License-Identifier: GPL-2.0 */
/* Events from a ring buffer, or a perf buffer on kernels before 5.8, to a callback. */
#ifndef PWRU_PIPELINE_H
#define PWRU_PIPELINE_H

#include <stdbool.h>
#include <linux/types.h>

#include "event.h"

struct pipeline;

/* Return non-zero from the callback to stop polling. */
typedef int (*pipeline_cb)(void *ctx, const struct pwru_event *ev);

/* pages: the ring buffer's size, or the perf buffers' total, shared out among the CPUs */
struct pipeline *pipeline__new(int events_fd, bool perfbuf, __u32 pages, pipeline_cb cb,
			       void *ctx);
/* >= 0 events handled, -EINTR when interrupted, other negative errno on error */
int pipeline__poll(struct pipeline *p, int timeout_ms);
/* drain what is left without blocking */
int pipeline__drain(struct pipeline *p);
__u64 pipeline__events(const struct pipeline *p);
/* what lost_fd (per-CPU u64 counter of refused outputs) reports, plus short records */
__u64 pipeline__lost(const struct pipeline *p, int lost_fd);
bool pipeline__stopped(const struct pipeline *p);
void pipeline__free(struct pipeline *p);

#endif /* PWRU_PIPELINE_H */
