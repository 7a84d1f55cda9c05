// SPDX-License-Identifier: GPL-2.0
/*
 * Rule text for an nf_tables handle (nft_rules.h). The position comes from
 * a libnftnl dump of the chain's rules; the text from `iptables-nft -S` for
 * tables iptables-nft manages (when its rule count agrees with the dump),
 * else from libnftables' own printer, the chain listed with handles.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/gen.h>
#include <libnftnl/rule.h>
#include <nftables/libnftables.h>

#include "nf_explain.h"
#include "nft_rules.h"

#define CACHE_SIZE 64
#define DUMP_MAX (16 << 20) /* bytes of `iptables -S` read at most */

struct cached {
	__u8 family;
	__u32 gen;
	__u64 handle;
	char *table, *chain;
	struct nft_rule_info info;
};

struct nft_rules {
	struct mnl_socket *nl;
	__u32 seq;
	struct nft_ctx *nft; /* libnftables, made on first use */
	struct cached cache[CACHE_SIZE];
	size_t next; /* oldest slot, replaced next */
};

struct nft_rules *nft_rules__new(void)
{
	struct nft_rules *nr = calloc(1, sizeof(*nr));

	if (!nr)
		return NULL;
	nr->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nr->nl || mnl_socket_bind(nr->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = errno;

		nft_rules__free(nr);
		errno = err;
		return NULL;
	}
	nr->seq = time(NULL);
	return nr;
}

void nft_rules__free(struct nft_rules *nr)
{
	if (!nr)
		return;
	for (size_t i = 0; i < CACHE_SIZE; i++) {
		free(nr->cache[i].table);
		free(nr->cache[i].chain);
	}
	if (nr->nft)
		nft_ctx_free(nr->nft);
	if (nr->nl)
		mnl_socket_close(nr->nl);
	free(nr);
}

/*
 * Send one request and run cb on the answer: until NLMSG_DONE for a dump,
 * until the ACK (NLM_F_ACK is added) otherwise, so a lost reply cannot
 * leave us waiting on an answer that never ends.
 */
static int nl_query(struct nft_rules *nr, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	unsigned int portid = mnl_socket_get_portid(nr->nl), seq = nlh->nlmsg_seq;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int ret;

	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nr->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	while ((ret = mnl_socket_recvfrom(nr->nl, buf, sizeof(buf))) > 0) {
		ret = mnl_cb_run(buf, ret, seq, portid, cb, data);
		if (ret <= 0)
			break;
	}
	return ret < 0 ? -errno : 0;
}

static int gen_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_gen *g = nftnl_gen_alloc();

	if (g && !nftnl_gen_nlmsg_parse(nlh, g))
		*(__u32 *)data = nftnl_gen_get_u32(g, NFTNL_GEN_ID);
	nftnl_gen_free(g);
	return MNL_CB_OK;
}

/* The ruleset generation: every commit bumps it, so it keys the cache. */
static int ruleset_gen(struct nft_rules *nr, __u32 *gen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETGEN, AF_UNSPEC, 0, ++nr->seq);

	*gen = 0;
	return nl_query(nr, nlh, gen_cb, gen);
}

struct dump {
	const char *table, *chain;
	__u64 handle;
	int nr; /* rules seen */
	int position; /* of handle */
};

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct dump *d = data;

	if (!r)
		return MNL_CB_ERROR;
	/* the kernel filters a dump by table and chain; check anyway */
	if (!nftnl_rule_nlmsg_parse(nlh, r) &&
	    !strcmp(nftnl_rule_get_str(r, NFTNL_RULE_TABLE) ?: "", d->table) &&
	    !strcmp(nftnl_rule_get_str(r, NFTNL_RULE_CHAIN) ?: "", d->chain)) {
		d->nr++;
		if (nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE) == d->handle)
			d->position = d->nr;
	}
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

static int chain_rules(struct nft_rules *nr, __u8 family, struct dump *d)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;

	if (!r)
		return -ENOMEM;
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, family, NLM_F_DUMP, ++nr->seq);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, d->table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, d->chain);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	return nl_query(nr, nlh, rule_cb, d);
}

static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nft_rule_info *ri = data;

	if (c && !nftnl_chain_nlmsg_parse(nlh, c) && nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM)) {
		ri->base = true;
		ri->hook = nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM);
		ri->priority = nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO);
	}
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

/* Hook and priority of a base chain (a trace message names neither). */
static void chain_hook(struct nft_rules *nr, __u8 family, const char *table, const char *chain,
		       struct nft_rule_info *ri)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	if (!c)
		return;
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETCHAIN, family, 0, ++nr->seq);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, chain);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	nl_query(nr, nlh, chain_cb, ri);
}

bool nft_rules__is_xtables(__u8 family, const char *table)
{
	static const char *const tables[] = { "filter", "nat", "mangle", "raw", "security" };

	if (family != NFPROTO_IPV4 && family != NFPROTO_IPV6)
		return false;
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (!strcmp(table, tables[i]))
			return true;
	return false;
}

static void copy_line(const char *s, size_t n, char *buf, size_t len)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n >= len)
		n = len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

bool nft_rules__iptables_line(const char *dump, int nth, char *buf, size_t len)
{
	int seen = 0;

	for (const char *s = dump; nth > 0 && *s;) {
		const char *e = strchrnul(s, '\n');

		if (!strncmp(s, "-A ", 3) && ++seen == nth) {
			copy_line(s, e - s, buf, len);
			return true;
		}
		s = *e ? e + 1 : e;
	}
	return false;
}

bool nft_rules__nft_line(const char *listing, __u64 handle, char *buf, size_t len)
{
	char tag[40];
	size_t tl = snprintf(tag, sizeof(tag), " # handle %llu", (unsigned long long)handle);

	for (const char *s = listing; *s;) {
		const char *e = strchrnul(s, '\n');
		size_t n = e - s;

		/* a rule line, not the chain's own "chain X { # handle N" */
		if (n > tl && !memcmp(e - tl, tag, tl) && !memchr(s, '{', n)) {
			copy_line(s, n - tl, buf, len);
			return true;
		}
		s = *e ? e + 1 : e;
	}
	return false;
}

/* argv[0]'s stdout (up to DUMP_MAX), NUL-terminated, or NULL when it fails. */
static char *run_capture(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	size_t len = 0, cap = 65536;
	char *out = malloc(cap);
	int pfd[2], status = 0;
	ssize_t n;
	pid_t pid;

	if (!out || pipe2(pfd, O_CLOEXEC)) {
		free(out);
		return NULL;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ))
		pid = -1;
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	while (pid > 0 && (n = read(pfd[0], out + len, cap - 1 - len)) > 0) {
		len += n;
		if (len == cap - 1 && cap < DUMP_MAX) {
			char *v = realloc(out, cap * 2);

			if (!v)
				break;
			out = v;
			cap *= 2;
		}
	}
	close(pfd[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	out[len] = '\0';
	if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		free(out);
		return NULL;
	}
	return out;
}

static int count_appends(const char *dump)
{
	int n = 0;

	for (const char *s = dump; *s;) {
		const char *e = strchrnul(s, '\n');

		n += !strncmp(s, "-A ", 3);
		s = *e ? e + 1 : e;
	}
	return n;
}

/* iptables-nft first: plain `iptables` may be the legacy one on this host. */
static bool iptables_text(__u8 family, const char *table, const char *chain, int position,
			  int nr_rules, char *buf, size_t len)
{
	const char *v4[] = { "iptables-nft", "iptables" }, *v6[] = { "ip6tables-nft", "ip6tables" };
	const char **cmds = family == NFPROTO_IPV6 ? v6 : v4;
	bool found = false;

	for (int i = 0; i < 2 && !found; i++) {
		char *argv[] = { (char *)cmds[i], "-t", (char *)table, "-S", (char *)chain, NULL };
		char *dump = run_capture(argv);

		/* the same chain only if it has as many rules as the kernel's */
		if (dump && count_appends(dump) == nr_rules)
			found = nft_rules__iptables_line(dump, position, buf, len);
		free(dump);
	}
	return found;
}

/*
 * Names come from the kernel. nft 1.0.6 takes no quoted table or chain
 * name in `list chain`, so only names its scanner reads as one string.
 */
static bool nft_word(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_' && *s != '.')
		return false;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("/-_.", *s))
			return false;
	return true;
}

static bool nft_text(struct nft_rules *nr, __u8 family, const char *table, const char *chain,
		     __u64 handle, char *buf, size_t len)
{
	const char *fam = nf_family_name(family);
	char cmd[600];

	if (!fam || !nft_word(table) || !nft_word(chain))
		return false;
	if (!nr->nft) {
		nr->nft = nft_ctx_new(NFT_CTX_DEFAULT);
		if (!nr->nft)
			return false;
		nft_ctx_output_set_flags(nr->nft, NFT_CTX_OUTPUT_HANDLE | NFT_CTX_OUTPUT_STATELESS);
		nft_ctx_buffer_output(nr->nft);
		nft_ctx_buffer_error(nr->nft);
	}
	snprintf(cmd, sizeof(cmd), "list chain %s %s %s", fam, table, chain);
	if (nft_run_cmd_from_buffer(nr->nft, cmd))
		return false;
	return nft_rules__nft_line(nft_ctx_get_output_buffer(nr->nft), handle, buf, len);
}

static struct cached *cache_find(struct nft_rules *nr, __u8 family, const char *table,
				 const char *chain, __u64 handle, __u32 gen)
{
	for (size_t i = 0; i < CACHE_SIZE; i++) {
		struct cached *c = &nr->cache[i];

		if (c->table && c->family == family && c->handle == handle && c->gen == gen &&
		    !strcmp(c->table, table) && !strcmp(c->chain, chain))
			return c;
	}
	return NULL;
}

static void cache_put(struct nft_rules *nr, __u8 family, const char *table, const char *chain,
		      __u64 handle, __u32 gen, const struct nft_rule_info *info)
{
	struct cached *c = &nr->cache[nr->next];

	nr->next = (nr->next + 1) % CACHE_SIZE;
	free(c->table);
	free(c->chain);
	c->table = strdup(table);
	c->chain = strdup(chain);
	if (!c->table || !c->chain) {
		free(c->table);
		free(c->chain);
		c->table = c->chain = NULL;
		return;
	}
	c->family = family;
	c->handle = handle;
	c->gen = gen;
	c->info = *info;
}

int nft_rules__lookup(struct nft_rules *nr, __u8 family, const char *table, const char *chain,
		      __u64 handle, struct nft_rule_info *out)
{
	struct dump d = { .table = table, .chain = chain, .handle = handle };
	struct cached *c;
	__u32 gen;
	int err;

	memset(out, 0, sizeof(*out));
	err = ruleset_gen(nr, &gen);
	if (err)
		return err;
	c = cache_find(nr, family, table, chain, handle, gen);
	if (c) {
		*out = c->info;
		return 0;
	}
	err = chain_rules(nr, family, &d);
	if (err)
		return err;
	if (!d.position)
		return -ENOENT; /* deleted since the drop */
	out->position = d.position;
	chain_hook(nr, family, table, chain, out);
	if (nft_rules__is_xtables(family, table) &&
	    iptables_text(family, table, chain, d.position, d.nr, out->text, sizeof(out->text)))
		out->iptables = true;
	else
		nft_text(nr, family, table, chain, handle, out->text, sizeof(out->text));
	cache_put(nr, family, table, chain, handle, gen, out);
	return 0;
}
