/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * capgen.h - builds capture files and packets for the pcap_replay tests
 * (host world).
 *
 * The tests write the bytes of every capture they need (pcap in any byte
 * order and resolution, pcapng blocks with options, IPv4/IPv6 TCP/UDP
 * packets with correct checksums, Ethernet/SLL/PKTAP/NULL framings) rather
 * than committing opaque binaries.  Allocation failures abort: these are
 * tests.
 */
#ifndef CAPGEN_H_
#define CAPGEN_H_

#include <stddef.h>
#include <stdint.h>

#include "source.h"

struct cg_buf {
	uint8_t *b;
	size_t len, cap;
	int be;		/* multi-byte fields in big-endian order */
};

void cg_init(struct cg_buf *b, int be);
void cg_free(struct cg_buf *b);
void cg_bytes(struct cg_buf *b, const void *p, size_t n);
void cg_u8(struct cg_buf *b, uint8_t v);
void cg_u16(struct cg_buf *b, uint16_t v);	/* in b->be order */
void cg_u32(struct cg_buf *b, uint32_t v);
void cg_u64(struct cg_buf *b, uint64_t v);
void cg_be16(struct cg_buf *b, uint16_t v);	/* network order */
void cg_be32(struct cg_buf *b, uint32_t v);
void cg_le32(struct cg_buf *b, uint32_t v);
void cg_pad4(struct cg_buf *b);
void cg_patch32(struct cg_buf *b, size_t off, uint32_t v);	/* b->be order */

/* Classic pcap: header (magic written in b->be order) and records. */
void cg_pcap_hdr(struct cg_buf *b, uint32_t magic, uint32_t linktype, uint32_t snaplen);
void cg_pcap_rec(struct cg_buf *b, uint32_t sec, uint32_t frac, const void *data, uint32_t caplen,
    uint32_t wirelen);

/* pcapng blocks. */
void cg_shb(struct cg_buf *b);
size_t cg_block_begin(struct cg_buf *b, uint32_t type);
void cg_block_end(struct cg_buf *b, size_t start);
void cg_opt(struct cg_buf *b, uint16_t code, const void *val, uint16_t len);
void cg_opt_end(struct cg_buf *b);
/* tsresol < 0: no option; name NULL: none. */
void cg_idb(struct cg_buf *b, uint16_t linktype, uint32_t snaplen, const char *name, int tsresol);
/* flags < 0: no epb_flags option. */
void cg_epb(struct cg_buf *b, uint32_t ifid, uint64_t ts, const void *data, uint32_t caplen,
    uint32_t wirelen, int64_t flags);

/* Packets (returned lengths; out must be large enough: 1600 bytes do). */
size_t cg_ip4(uint8_t *out, const char *src, const char *dst, uint8_t proto, const void *l4,
    size_t l4len);
size_t cg_ip6(uint8_t *out, const char *src, const char *dst, uint8_t proto, const void *l4,
    size_t l4len);
/* TCP/UDP segment with a correct checksum over the given addresses. */
size_t cg_tcp(uint8_t *out, int v6, const char *src, const char *dst, uint16_t sport,
    uint16_t dport, uint8_t flags, const void *payload, size_t plen);
size_t cg_udp(uint8_t *out, int v6, const char *src, const char *dst, uint16_t sport,
    uint16_t dport, const void *payload, size_t plen);
/* A whole IP packet: TCP (proto 6) or UDP (17). */
size_t cg_pkt(uint8_t *out, int v6, const char *src, const char *dst, uint8_t proto,
    uint16_t sport, uint16_t dport, uint8_t tcpflags, const void *payload, size_t plen);
size_t cg_eth(uint8_t *out, const char *dmac, const char *smac, uint16_t ethertype,
    const void *l3, size_t len);
void cg_mac(const char *text, uint8_t mac[6]);
uint16_t cg_csum(const void *p, size_t len, uint32_t sum);

/* Write b to a new temporary file; returns its path (free() it, unlink it). */
char *cg_tmpfile(const struct cg_buf *b, const char *suffix);

/* Read a whole capture: frames copied out (data too). */
struct cg_frame {
	struct nkr_frame f;
	uint8_t data[2048];
	char comm[20];
	struct nks_hhint hints[4];	/* copies of f's fr_hints (f points here) */
};
struct cg_run {
	struct cg_frame *fr;
	unsigned n, cap;
	int rc;			/* last nkr_source_next: 0 or -1 */
	struct nkr_err err;	/* open or next error */
	char dirsum[2048], ifsum[2048];
	unsigned nifs;
	struct nkr_srcif ifs[8];
	uint64_t records, skipped;
	char skipreason[160];
	int opened;
	unsigned nhints;	/* hints of all frames (fr_hints) */
	unsigned bad_hints;	/* of them outside the frame, or not its bytes' NKH64 */
};
/* Returns run->opened. */
int cg_read(const char *path, const struct nkr_source_opts *o, struct cg_run *run);
int cg_read_buf(const struct cg_buf *b, const struct nkr_source_opts *o, struct cg_run *run);
void cg_run_free(struct cg_run *run);

#endif /* CAPGEN_H_ */
