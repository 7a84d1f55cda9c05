/* SPDX-License-Identifier: GPL-2.0 */
/* Drops counted by (reason, location, rule), printed at exit, most frequent first. */
#ifndef PWRU_DROP_SUMMARY_H
#define PWRU_DROP_SUMMARY_H

#include <stdio.h>

struct drop_summary;

struct drop_summary *drop_summary__new(void); /* NULL + errno */
void drop_summary__free(struct drop_summary *s);
/* Any of the three may be NULL (unknown). 0 or -ENOMEM. */
int drop_summary__add(struct drop_summary *s, const char *reason, const char *location,
		      const char *rule);
/* Nothing when no drop was seen. */
void drop_summary__print(const struct drop_summary *s, FILE *out);

#endif /* PWRU_DROP_SUMMARY_H */
