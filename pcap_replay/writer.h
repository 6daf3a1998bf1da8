/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * writer.h - pcap and pcapng output (host world).
 *
 * Used for -w (what left the simulated host) and --annotate (every packet
 * with a comment naming its verdicts).  pcapng keeps one interface block
 * per simulated interface, the direction in epb_flags and comments in
 * opt_comment; classic pcap holds one link type, so a packet of another
 * link type is refused with NKR_WRITER_MISMATCH (the caller counts it).
 * Output is buffered; write errors (disk full) are reported with the file
 * name and the system's words ("out.pcap: write error: No space left on
 * device"), at the latest by nkr_writer_close().  Files are little-endian
 * and hold nothing from the environment: identical calls write identical
 * bytes.
 */
#ifndef NKR_WRITER_H_
#define NKR_WRITER_H_

#include <stdint.h>

#include "source.h"

enum nkr_wformat {
	NKR_WFORMAT_AUTO = -1,	/* by extension: ".pcapng" -> pcapng, else pcap */
	NKR_WFORMAT_PCAP = 0,	/* nanosecond-resolution pcap */
	NKR_WFORMAT_PCAPNG = 1,
};

#define NKR_WRITER_MISMATCH 1	/* pcap: packet of another link type, not written */

struct nkr_writer;

/* "-" writes to stdout.  NULL with err filled on failure. */
struct nkr_writer *nkr_writer_open(const char *path, enum nkr_wformat fmt, struct nkr_err *err);

/*
 * Declare an output interface (name, LINKTYPE_* value, snaplen); *wif
 * receives its id for nkr_writer_write.  pcap: the first one fixes the
 * file's link type.  Returns 0 or -1 (err).
 */
int nkr_writer_add_if(struct nkr_writer *w, const char *name, int linktype, uint32_t snaplen,
    unsigned *wif, struct nkr_err *err);

/*
 * Write one packet.  dir is NKS_DIR_IN/NKS_DIR_OUT or 0 (pcapng epb_flags),
 * comment (pcapng only) may be NULL.  Returns 0, NKR_WRITER_MISMATCH, or -1
 * (err).
 */
int nkr_writer_write(struct nkr_writer *w, unsigned wif, int64_t time_ns, const void *data,
    uint32_t caplen, uint32_t wirelen, int dir, const char *comment, struct nkr_err *err);

/* Flush and close; -1 (err) if any write failed.  NULL is ignored. */
int nkr_writer_close(struct nkr_writer *w, struct nkr_err *err);

/*
 * LINKTYPE_* and frame bytes of a packet the simulated host emits, in the
 * framing a capture of that interface on macOS would show: Ethernet as is;
 * lo0 and utun as LINKTYPE_NULL with a 4-byte host-order Darwin protocol
 * family word (2 = IPv4, 30 = IPv6) in front.  Writes at most `size` bytes
 * to buf and returns the frame length, or 0 if buf is too small (or the
 * interface type or family is unknown).  nkr_output_linktype() returns -1
 * for an unknown interface type.
 */
int nkr_output_linktype(uint32_t iftype);
uint32_t nkr_output_frame(uint32_t iftype, uint32_t family, const uint8_t *pkt, uint32_t len,
    uint8_t *buf, uint32_t size);

#endif /* NKR_WRITER_H_ */
