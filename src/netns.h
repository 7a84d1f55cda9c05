/* SPDX-License-Identifier: GPL-2.0 */
/* Network namespaces by name: /run/netns (iproute2's bind mounts). */
#ifndef PWRU_NETNS_H
#define PWRU_NETNS_H

#include <stddef.h>
#include <linux/types.h>

struct netns_names;

/* Inode to name for every entry of dir (NULL: /run/netns); an absent dir is an empty table. */
int netns_names__load(const char *dir, struct netns_names **out);
/* The name of inode, or NULL. */
const char *netns_names__find(const struct netns_names *n, __u32 inode);
void netns_names__free(struct netns_names *n);

/*
 * ifindex of interface name inside the netns at path (entered with setns()
 * and left again). Returns the ifindex, or a negative errno: -ENODEV when
 * the netns has no such interface.
 */
int netns__ifindex(const char *path, const char *name);

#endif /* PWRU_NETNS_H */
