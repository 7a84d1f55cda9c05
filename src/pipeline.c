// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "pipeline.h"

struct pipeline {
	struct ring_buffer *rb;
	struct perf_buffer *pb;
	pipeline_cb cb;
	void *ctx;
	__u64 events;
	__u64 perf_lost;
	__u64 short_records;
	bool stop;
};

static int deliver(struct pipeline *p, const void *data, size_t size)
{
	/* the head, with PWRU_F_HAS_NF the netfilter part, with PWRU_F_HAS_DUMP all */
	struct pwru_event_dump rec;
	size_t need;

	/* perf records may be padded; anything shorter is a layout mismatch */
	if (size < sizeof(rec.ev)) {
		p->short_records++;
		return 0;
	}
	/* past --output-limit-lines: libbpf 1.1 keeps consuming, we stop printing */
	if (p->stop)
		return 0;
	memcpy(&rec.ev, data, sizeof(rec.ev));
	need = rec.ev.flags & PWRU_F_HAS_DUMP ? sizeof(struct pwru_event_dump) :
	       rec.ev.flags & PWRU_F_HAS_NF   ? sizeof(struct pwru_event_nf) :
					       sizeof(rec.ev);
	if (size < need) {
		p->short_records++;
		return 0;
	}
	memcpy(&rec, data, need);
	p->events++;
	if (p->cb(p->ctx, &rec.ev))
		p->stop = true;
	return 0;
}

static int on_ringbuf(void *ctx, void *data, size_t size)
{
	return deliver(ctx, data, size);
}

static void on_perf(void *ctx, int cpu, void *data, __u32 size)
{
	struct pipeline *p = ctx;

	if (!p->stop)
		deliver(p, data, size);
}

/*
 * The kernel writes a PERF_RECORD_LOST only at the next output that finds
 * room, so losses at the end of a run may never be reported here; the BPF
 * side counts every failed bpf_perf_event_output() instead, and this count
 * is only a floor for it (pipeline__lost).
 */
static void on_perf_lost(void *ctx, int cpu, __u64 n)
{
	((struct pipeline *)ctx)->perf_lost += n;
}

/* perf buffers are per CPU: share the --ringbuf-pages budget out, a power of two each */
static size_t perf_pages(__u32 total_pages)
{
	int ncpu = libbpf_num_possible_cpus();
	size_t per = total_pages / (ncpu > 0 ? ncpu : 1), pow = 1;

	while (pow * 2 <= per)
		pow *= 2;
	return pow;
}

struct pipeline *pipeline__new(int events_fd, bool perfbuf, __u32 pages, pipeline_cb cb,
			       void *ctx)
{
	struct pipeline *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->cb = cb;
	p->ctx = ctx;
	if (perfbuf)
		p->pb = perf_buffer__new(events_fd, perf_pages(pages), on_perf, on_perf_lost, p, NULL);
	else
		p->rb = ring_buffer__new(events_fd, on_ringbuf, p, NULL);
	if (!p->pb && !p->rb) {
		int err = errno;

		free(p);
		errno = err;
		return NULL;
	}
	return p;
}

int pipeline__poll(struct pipeline *p, int timeout_ms)
{
	int n;

	if (p->stop)
		return 0;
	n = p->rb ? ring_buffer__poll(p->rb, timeout_ms) : perf_buffer__poll(p->pb, timeout_ms);
	/* the ring buffer callback returning 1 to stop is not an error */
	if (n > 0 || p->stop)
		return n > 0 ? n : 0;
	return n;
}

int pipeline__drain(struct pipeline *p)
{
	if (p->stop)
		return 0;
	return p->rb ? ring_buffer__consume(p->rb) : perf_buffer__consume(p->pb);
}

__u64 pipeline__events(const struct pipeline *p)
{
	return p->events;
}

__u64 pipeline__lost(const struct pipeline *p, int lost_fd)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 counted = 0;
	__u32 zero = 0;
	__u64 *v;

	v = lost_fd >= 0 && ncpu > 0 ? calloc(ncpu, sizeof(*v)) : NULL;
	if (v && !bpf_map_lookup_elem(lost_fd, &zero, v))
		for (int i = 0; i < ncpu; i++)
			counted += v[i];
	free(v);
	/* perf's own records count a subset of the failures the BPF side counted */
	if (p->perf_lost > counted)
		counted = p->perf_lost;
	return counted + p->short_records;
}

bool pipeline__stopped(const struct pipeline *p)
{
	return p->stop;
}

void pipeline__free(struct pipeline *p)
{
	if (!p)
		return;
	ring_buffer__free(p->rb);
	perf_buffer__free(p->pb);
	free(p);
}
