/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * capgen.c - capture and packet builders for the pcap_replay tests (host
 * world); see capgen.h.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capgen.h"
#include "nke_hash.h"

static void
grow(struct cg_buf *b, size_t n)
{
	size_t cap;

	if (b->len + n <= b->cap)
		return;
	cap = b->cap != 0 ? b->cap : 256;
	while (cap < b->len + n)
		cap *= 2;
	b->b = realloc(b->b, cap);
	if (b->b == NULL)
		abort();
	b->cap = cap;
}

void
cg_init(struct cg_buf *b, int be)
{
	memset(b, 0, sizeof(*b));
	b->be = be;
}

void
cg_free(struct cg_buf *b)
{
	free(b->b);
	memset(b, 0, sizeof(*b));
}

void
cg_bytes(struct cg_buf *b, const void *p, size_t n)
{
	grow(b, n);
	if (n != 0)
		memcpy(b->b + b->len, p, n);
	b->len += n;
}

void
cg_u8(struct cg_buf *b, uint8_t v)
{
	cg_bytes(b, &v, 1);
}

void
cg_u16(struct cg_buf *b, uint16_t v)
{
	uint8_t x[2];

	if (b->be) {
		x[0] = (uint8_t)(v >> 8);
		x[1] = (uint8_t)v;
	} else {
		x[0] = (uint8_t)v;
		x[1] = (uint8_t)(v >> 8);
	}
	cg_bytes(b, x, 2);
}

static void
put32at(uint8_t *x, uint32_t v, int be)
{
	int i;

	for (i = 0; i < 4; i++)
		x[be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

void
cg_u32(struct cg_buf *b, uint32_t v)
{
	uint8_t x[4];

	put32at(x, v, b->be);
	cg_bytes(b, x, 4);
}

void
cg_u64(struct cg_buf *b, uint64_t v)
{
	if (b->be) {
		cg_u32(b, (uint32_t)(v >> 32));
		cg_u32(b, (uint32_t)v);
	} else {
		cg_u32(b, (uint32_t)v);
		cg_u32(b, (uint32_t)(v >> 32));
	}
}

void
cg_be16(struct cg_buf *b, uint16_t v)
{
	uint8_t x[2] = {(uint8_t)(v >> 8), (uint8_t)v};

	cg_bytes(b, x, 2);
}

void
cg_be32(struct cg_buf *b, uint32_t v)
{
	uint8_t x[4];

	put32at(x, v, 1);
	cg_bytes(b, x, 4);
}

void
cg_le32(struct cg_buf *b, uint32_t v)
{
	uint8_t x[4];

	put32at(x, v, 0);
	cg_bytes(b, x, 4);
}

void
cg_pad4(struct cg_buf *b)
{
	static const uint8_t z[4];

	cg_bytes(b, z, (4 - b->len % 4) % 4);
}

void
cg_patch32(struct cg_buf *b, size_t off, uint32_t v)
{
	put32at(b->b + off, v, b->be);
}

void
cg_pcap_hdr(struct cg_buf *b, uint32_t magic, uint32_t linktype, uint32_t snaplen)
{
	cg_u32(b, magic);
	cg_u16(b, 2);
	cg_u16(b, 4);
	cg_u32(b, 0);
	cg_u32(b, 0);
	cg_u32(b, snaplen);
	cg_u32(b, linktype);
}

void
cg_pcap_rec(struct cg_buf *b, uint32_t sec, uint32_t frac, const void *data, uint32_t caplen,
            uint32_t wirelen)
{
	cg_u32(b, sec);
	cg_u32(b, frac);
	cg_u32(b, caplen);
	cg_u32(b, wirelen);
	cg_bytes(b, data, caplen);
}

void
cg_shb(struct cg_buf *b)
{
	size_t s = cg_block_begin(b, 0x0a0d0d0a);

	cg_u32(b, 0x1a2b3c4d);
	cg_u16(b, 1);
	cg_u16(b, 0);
	cg_u64(b, UINT64_MAX);
	cg_block_end(b, s);
}

size_t
cg_block_begin(struct cg_buf *b, uint32_t type)
{
	size_t s = b->len;

	cg_u32(b, type);
	cg_u32(b, 0);
	return s;
}

void
cg_block_end(struct cg_buf *b, size_t start)
{
	uint32_t len;

	cg_pad4(b);
	len = (uint32_t)(b->len - start + 4);
	cg_u32(b, len);
	cg_patch32(b, start + 4, len);
}

void
cg_opt(struct cg_buf *b, uint16_t code, const void *val, uint16_t len)
{
	cg_u16(b, code);
	cg_u16(b, len);
	cg_bytes(b, val, len);
	cg_pad4(b);
}

void
cg_opt_end(struct cg_buf *b)
{
	cg_u32(b, 0);
}

void
cg_idb(struct cg_buf *b, uint16_t linktype, uint32_t snaplen, const char *name, int tsresol)
{
	size_t s = cg_block_begin(b, 1);
	uint8_t r = (uint8_t)tsresol;

	cg_u16(b, linktype);
	cg_u16(b, 0);
	cg_u32(b, snaplen);
	if (name != NULL)
		cg_opt(b, 2, name, (uint16_t)strlen(name));
	if (tsresol >= 0)
		cg_opt(b, 9, &r, 1);
	if (name != NULL || tsresol >= 0)
		cg_opt_end(b);
	cg_block_end(b, s);
}

void
cg_epb(struct cg_buf *b, uint32_t ifid, uint64_t ts, const void *data, uint32_t caplen,
       uint32_t wirelen, int64_t flags)
{
	size_t s = cg_block_begin(b, 6);
	uint8_t f[4];

	cg_u32(b, ifid);
	cg_u32(b, (uint32_t)(ts >> 32));
	cg_u32(b, (uint32_t)ts);
	cg_u32(b, caplen);
	cg_u32(b, wirelen);
	cg_bytes(b, data, caplen);
	cg_pad4(b);
	if (flags >= 0) {
		put32at(f, (uint32_t)flags, b->be);
		cg_opt(b, 2, f, 4);
		cg_opt_end(b);
	}
	cg_block_end(b, s);
}

uint16_t
cg_csum(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *c = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)c[i] << 8 | c[i + 1];
	if (len & 1)
		sum += (uint32_t)c[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
addr(int v6, const char *text, uint8_t *a)
{
	if (inet_pton(v6 ? AF_INET6 : AF_INET, text, a) != 1)
		abort();
}

size_t
cg_ip4(uint8_t *out, const char *src, const char *dst, uint8_t proto, const void *l4, size_t l4len)
{
	uint16_t c;

	memset(out, 0, 20);
	out[0] = 0x45;
	out[2] = (uint8_t)((20 + l4len) >> 8);
	out[3] = (uint8_t)(20 + l4len);
	out[4] = 0x12;
	out[5] = 0x34;
	out[6] = 0x40; /* DF */
	out[8] = 64;
	out[9] = proto;
	addr(0, src, out + 12);
	addr(0, dst, out + 16);
	c = cg_csum(out, 20, 0);
	out[10] = (uint8_t)(c >> 8);
	out[11] = (uint8_t)c;
	memcpy(out + 20, l4, l4len);
	return 20 + l4len;
}

size_t
cg_ip6(uint8_t *out, const char *src, const char *dst, uint8_t proto, const void *l4, size_t l4len)
{
	memset(out, 0, 40);
	out[0] = 0x60;
	out[4] = (uint8_t)(l4len >> 8);
	out[5] = (uint8_t)l4len;
	out[6] = proto;
	out[7] = 64;
	addr(1, src, out + 8);
	addr(1, dst, out + 24);
	memcpy(out + 40, l4, l4len);
	return 40 + l4len;
}

static uint32_t
pseudo(int v6, const char *src, const char *dst, uint8_t proto, size_t len)
{
	uint8_t a[16], b[16];
	size_t i, n = v6 ? 16 : 4;
	uint32_t sum = 0;

	addr(v6, src, a);
	addr(v6, dst, b);
	for (i = 0; i < n; i += 2) {
		sum += (uint32_t)a[i] << 8 | a[i + 1];
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	}
	sum += proto;
	sum += (uint32_t)len;
	return sum;
}

size_t
cg_tcp(uint8_t *out, int v6, const char *src, const char *dst, uint16_t sport, uint16_t dport,
       uint8_t flags, const void *payload, size_t plen)
{
	uint16_t c;

	memset(out, 0, 20);
	out[0] = (uint8_t)(sport >> 8);
	out[1] = (uint8_t)sport;
	out[2] = (uint8_t)(dport >> 8);
	out[3] = (uint8_t)dport;
	out[7] = 1; /* seq 1 */
	out[11] = (flags & 0x10) ? 1 : 0;
	out[12] = 5 << 4;
	out[13] = flags;
	out[14] = 0xff;
	out[15] = 0xff;
	if (plen != 0)
		memcpy(out + 20, payload, plen);
	c = cg_csum(out, 20 + plen, pseudo(v6, src, dst, 6, 20 + plen));
	out[16] = (uint8_t)(c >> 8);
	out[17] = (uint8_t)c;
	return 20 + plen;
}

size_t
cg_udp(uint8_t *out, int v6, const char *src, const char *dst, uint16_t sport, uint16_t dport,
       const void *payload, size_t plen)
{
	uint16_t c;

	memset(out, 0, 8);
	out[0] = (uint8_t)(sport >> 8);
	out[1] = (uint8_t)sport;
	out[2] = (uint8_t)(dport >> 8);
	out[3] = (uint8_t)dport;
	out[4] = (uint8_t)((8 + plen) >> 8);
	out[5] = (uint8_t)(8 + plen);
	if (plen != 0)
		memcpy(out + 8, payload, plen);
	c = cg_csum(out, 8 + plen, pseudo(v6, src, dst, 17, 8 + plen));
	if (c == 0)
		c = 0xffff;
	out[6] = (uint8_t)(c >> 8);
	out[7] = (uint8_t)c;
	return 8 + plen;
}

size_t
cg_pkt(uint8_t *out, int v6, const char *src, const char *dst, uint8_t proto, uint16_t sport,
       uint16_t dport, uint8_t tcpflags, const void *payload, size_t plen)
{
	uint8_t l4[1600];
	size_t n;

	if (proto == 6)
		n = cg_tcp(l4, v6, src, dst, sport, dport, tcpflags, payload, plen);
	else
		n = cg_udp(l4, v6, src, dst, sport, dport, payload, plen);
	return v6 ? cg_ip6(out, src, dst, proto, l4, n) : cg_ip4(out, src, dst, proto, l4, n);
}

void
cg_mac(const char *text, uint8_t mac[6])
{
	unsigned v[6];
	int i;

	if (sscanf(text, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		abort();
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
}

size_t
cg_eth(uint8_t *out, const char *dmac, const char *smac, uint16_t ethertype, const void *l3,
       size_t len)
{
	cg_mac(dmac, out);
	cg_mac(smac, out + 6);
	out[12] = (uint8_t)(ethertype >> 8);
	out[13] = (uint8_t)ethertype;
	memcpy(out + 14, l3, len);
	return 14 + len;
}

char *
cg_tmpfile(const struct cg_buf *b, const char *suffix)
{
	char *path = malloc(64);
	int fd;

	if (path == NULL)
		abort();
	snprintf(path, 64, "/tmp/nkr_test_XXXXXX%s", suffix != NULL ? suffix : "");
	fd = mkstemps(path, suffix != NULL ? (int)strlen(suffix) : 0);
	if (fd < 0)
		abort();
	if (b != NULL && b->len != 0 && write(fd, b->b, b->len) != (ssize_t)b->len)
		abort();
	close(fd);
	return path;
}

/* Count f's hints, and those that are not their range's NKH64; keep copies. */
static void
hints_check(struct cg_run *run, const struct nks_frame *f, struct nks_hhint *copy)
{
	const struct nks_hhint *h;
	unsigned i;

	if (f->fr_nhints > 4)
		abort();
	for (i = 0; i < f->fr_nhints; i++) {
		h = &f->fr_hints[i];
		copy[i] = *h;
		run->nhints++;
		if (h->hh_off > f->fr_caplen || h->hh_len > f->fr_caplen - h->hh_off ||
		    nkh64(f->fr_data + h->hh_off, h->hh_len) != h->hh_hash)
			run->bad_hints++;
	}
}

int
cg_read(const char *path, const struct nkr_source_opts *o, struct cg_run *run)
{
	struct nkr_source *src;
	struct nkr_frame f;
	const char *why;
	unsigned i;

	memset(run, 0, sizeof(*run));
	src = nkr_source_open(path, o, &run->err);
	if (src == NULL) {
		run->rc = -1;
		return 0;
	}
	run->opened = 1;
	while ((run->rc = nkr_source_next(src, &f, &run->err)) == 1) {
		if (run->n == run->cap) {
			/* Doubling: a copy per frame is quadratic (4000 frames of 2 KB). */
			run->cap = run->cap != 0 ? 2 * run->cap : 64;
			run->fr = realloc(run->fr, run->cap * sizeof(*run->fr));
			if (run->fr == NULL)
				abort();
		}
		memset(&run->fr[run->n], 0, sizeof(run->fr[run->n]));
		run->fr[run->n].f = f;
		if (f.f_fr.fr_caplen <= sizeof(run->fr[run->n].data))
			memcpy(run->fr[run->n].data, f.f_fr.fr_data, f.f_fr.fr_caplen);
		run->fr[run->n].f.f_fr.fr_data = run->fr[run->n].data;
		if (f.f_fr.fr_comm != NULL) {
			snprintf(run->fr[run->n].comm, sizeof(run->fr[run->n].comm), "%s",
			         f.f_fr.fr_comm);
			run->fr[run->n].f.f_fr.fr_comm = run->fr[run->n].comm;
		}
		hints_check(run, &f.f_fr, run->fr[run->n].hints);
		run->n++;
	}
	/* The array moved as it grew: point the frames at their copies now. */
	for (i = 0; i < run->n; i++) {
		run->fr[i].f.f_fr.fr_data = run->fr[i].data;
		if (run->fr[i].f.f_fr.fr_hints != NULL)
			run->fr[i].f.f_fr.fr_hints = run->fr[i].hints;
		if (run->fr[i].f.f_fr.fr_comm != NULL)
			run->fr[i].f.f_fr.fr_comm = run->fr[i].comm;
	}
	snprintf(run->dirsum, sizeof(run->dirsum), "%s", nkr_source_direction_summary(src));
	snprintf(run->ifsum, sizeof(run->ifsum), "%s", nkr_source_interface_summary(src));
	run->nifs = nkr_source_nifs(src);
	for (i = 0; i < run->nifs && i < 8; i++) {
		run->ifs[i] = *nkr_source_if(src, i);
		run->ifs[i].si_spec.is_name = NULL;
		run->ifs[i].si_spec.is_addrs = NULL;
	}
	run->records = nkr_source_records(src);
	run->skipped = nkr_source_skipped(src, &why);
	if (why != NULL)
		snprintf(run->skipreason, sizeof(run->skipreason), "%s", why);
	nkr_source_close(src);
	return 1;
}

int
cg_read_buf(const struct cg_buf *b, const struct nkr_source_opts *o, struct cg_run *run)
{
	char *path = cg_tmpfile(b, NULL);
	int rc = cg_read(path, o, run);

	unlink(path);
	free(path);
	return rc;
}

void
cg_run_free(struct cg_run *run)
{
	free(run->fr);
	run->fr = NULL;
}
