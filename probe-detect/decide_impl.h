/* SPDX-License-Identifier: GPL-2.0 */
/*
 * decide.c's explanations on the inside of struct features, for the
 * backends' explain ops and for the report. Included by features_impl.h.
 */
#ifndef PWRU_DECIDE_IMPL_H
#define PWRU_DECIDE_IMPL_H

#include "features_impl.h"

/*
 * What the outcome of feature id means on this kernel: a short phrase for
 * verdicts ("no CONFIG_FPROBE"), a longer sentence for the report, and a
 * remedy (static or NULL). Either buffer may be NULL.
 */
void feat__explain(const struct features *f, enum feat_id id, char *brief, size_t brief_len,
		   char *lng, size_t lng_len, const char **remedy);

static inline int feat__val(const struct features *f, enum feat_id id)
{
	return f->f[id].val;
}

/* "EPERM", or "errno N" in buf */
const char *feat__ename(int err, char *buf, size_t len);
/*
 * EPERM and EACCES mean the same for every probe: who said no (privileges,
 * lockdown, a policy). False, and nothing written, for any other err.
 */
bool feat__explain_eperm(const struct features *f, const char *what, int err, char *brief,
			 size_t blen, char *lng, size_t llen, const char **remedy);

/* An errno nothing more is known about: "<what> probe failed (E)", no remedy. */
void feat__explain_failed(const char *what, int err, char *brief, size_t blen, char *lng,
			  size_t llen, const char **remedy);

/* Is id a backend's load+attach probe (its ops' probe)? */
bool feat__is_probe(enum feat_id id);
/*
 * What the report shows for id: its detail, which for a load+attach probe
 * is derived here from the facts (stage, errno, verifier line), and its
 * remedy. buf gets at most len bytes.
 */
void feat__detail(const struct features *f, enum feat_id id, char *buf, size_t len,
		  const char **remedy);

#endif /* PWRU_DECIDE_IMPL_H */
