/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel symbol table from /proc/kallsyms (or a file with that format). */
#ifndef PWRU_KSYMS_H
#define PWRU_KSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct ksym {
	__u64 addr;
	const char *name;
	const char *module; /* NULL for vmlinux */
};

struct ksyms;

struct ksyms *ksyms__load(const char *path); /* NULL path: /proc/kallsyms; NULL + errno on error */
void ksyms__free(struct ksyms *ks);
/* False when every address is 0 (kallsyms read without CAP_SYSLOG). */
bool ksyms__has_addrs(const struct ksyms *ks);
/* The text symbols in address order, file order among equals: i < ksyms__count(). */
size_t ksyms__count(const struct ksyms *ks);
const struct ksym *ksyms__at(const struct ksyms *ks, size_t i);
/* The symbol containing addr (greatest addr <= it), or NULL. */
const struct ksym *ksyms__find(const struct ksyms *ks, __u64 addr);
/* Address of name (first match), 0 if absent. */
__u64 ksyms__addr(const struct ksyms *ks, const char *name);
/* "name+0xoff" (or "0xaddr" when unknown) into buf; returns buf. */
char *ksyms__format(const struct ksyms *ks, __u64 addr, char *buf, size_t len);

#endif /* PWRU_KSYMS_H */
