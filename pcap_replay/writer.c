/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * writer.c - pcap and pcapng output (host world).
 *
 * Files are written little-endian whatever the host, through a stdio
 * buffer, with nothing from the environment in them (no dates, no host
 * names, no version), so identical calls give identical bytes.  pcap files
 * use the nanosecond magic; pcapng files carry one interface block per
 * declared interface (if_name, if_tsresol 9), and enhanced packet blocks
 * with the direction in epb_flags and an optional opt_comment.  The first
 * write error is kept, with the file name and the system's words for it,
 * and reported by that call and every later one, at the latest by close.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "writer.h"

#define PCAP_NSEC_MAGIC 0xa1b23c4du
#define PCAPNG_SHB      0x0a0d0d0au
#define PCAPNG_IDB      1u
#define PCAPNG_EPB      6u
#define DEFAULT_SNAPLEN 262144u
#define MAX_PACKET      (256u * 1024 * 1024)
#define MAX_COMMENT     65532u

struct nkr_writer {
	char w_name[256];
	FILE *w_fp;
	int w_own;
	enum nkr_wformat w_fmt;
	int w_failed;
	struct nkr_err w_err;
	int w_hdr;      /* pcap: file header written */
	int w_linktype; /* pcap: the file's */
	int *w_ifs;     /* link type per declared interface */
	unsigned w_nifs, w_ifcap;
};

static int werr(struct nkr_writer *w, struct nkr_err *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The first error sticks: "FILE: what"; every later call reports it. */
static int
werr(struct nkr_writer *w, struct nkr_err *err, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (!w->w_failed) {
		snprintf(w->w_err.e_msg, sizeof(w->w_err.e_msg), "%s: ", w->w_name);
		n = strlen(w->w_err.e_msg);
		va_start(ap, fmt);
		vsnprintf(w->w_err.e_msg + n, sizeof(w->w_err.e_msg) - n, fmt, ap);
		va_end(ap);
		w->w_failed = 1;
	}
	if (err != NULL)
		*err = w->w_err;
	return -1;
}

static void
put(struct nkr_writer *w, const void *p, size_t n)
{
	if (w->w_failed || n == 0)
		return;
	errno = 0;
	if (fwrite(p, 1, n, w->w_fp) != n)
		werr(w, NULL, "write error: %s", strerror(errno != 0 ? errno : EIO));
}

static void
put16(struct nkr_writer *w, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};

	put(w, b, 2);
}

static void
put32(struct nkr_writer *w, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};

	put(w, b, 4);
}

static void
pad(struct nkr_writer *w, size_t n)
{
	static const uint8_t zero[4];

	put(w, zero, (4 - n % 4) % 4);
}

/* A pcapng option: code, length, value, padding. */
static void
put_opt(struct nkr_writer *w, uint16_t code, const void *val, uint16_t len)
{
	put16(w, code);
	put16(w, len);
	put(w, val, len);
	pad(w, len);
}

static uint32_t
optlen(size_t len)
{
	return 4 + (uint32_t)((len + 3) & ~(size_t)3);
}

static void
pcap_header(struct nkr_writer *w, int linktype, uint32_t snaplen)
{
	put32(w, PCAP_NSEC_MAGIC);
	put16(w, 2);
	put16(w, 4);
	put32(w, 0); /* thiszone */
	put32(w, 0); /* sigfigs */
	put32(w, snaplen);
	put32(w, (uint32_t)linktype);
	w->w_hdr = 1;
	w->w_linktype = linktype;
}

struct nkr_writer *
nkr_writer_open(const char *path, enum nkr_wformat fmt, struct nkr_err *err)
{
	static const char appl[] = "nkesim";
	struct nkr_writer *w;
	size_t n;
	uint32_t len;

	if (err != NULL)
		err->e_msg[0] = '\0';
	if (path == NULL ||
	    (fmt != NKR_WFORMAT_AUTO && fmt != NKR_WFORMAT_PCAP && fmt != NKR_WFORMAT_PCAPNG)) {
		if (err != NULL)
			snprintf(err->e_msg, sizeof(err->e_msg), "output: bad arguments");
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (w == NULL) {
		if (err != NULL)
			snprintf(err->e_msg, sizeof(err->e_msg), "%s: out of memory", path);
		return NULL;
	}
	if (fmt == NKR_WFORMAT_AUTO) {
		n = strlen(path);
		fmt = n >= 7 && strcasecmp(path + n - 7, ".pcapng") == 0 ? NKR_WFORMAT_PCAPNG
		                                                         : NKR_WFORMAT_PCAP;
	}
	w->w_fmt = fmt;
	if (strcmp(path, "-") == 0) {
		snprintf(w->w_name, sizeof(w->w_name), "stdout");
		w->w_fp = stdout;
	} else {
		snprintf(w->w_name, sizeof(w->w_name), "%s", path);
		w->w_fp = fopen(path, "wb");
		if (w->w_fp == NULL) {
			werr(w, err, "cannot open for writing: %s", strerror(errno));
			free(w);
			return NULL;
		}
		w->w_own = 1;
		setvbuf(w->w_fp, NULL, _IOFBF, 1 << 16);
	}
	if (fmt == NKR_WFORMAT_PCAPNG) {
		len = 28 + optlen(sizeof(appl) - 1) + 4;
		put32(w, PCAPNG_SHB);
		put32(w, len);
		put32(w, 0x1a2b3c4d);
		put16(w, 1);
		put16(w, 0);
		put32(w, 0xffffffffu); /* section length: not given */
		put32(w, 0xffffffffu);
		put_opt(w, 4, appl, sizeof(appl) - 1); /* shb_userappl */
		put32(w, 0);                           /* opt_endofopt */
		put32(w, len);
	}
	if (w->w_failed) {
		if (err != NULL)
			*err = w->w_err;
		if (w->w_own)
			fclose(w->w_fp);
		free(w);
		return NULL;
	}
	return w;
}

int
nkr_writer_add_if(struct nkr_writer *w, const char *name, int linktype, uint32_t snaplen,
                  unsigned *wif, struct nkr_err *err)
{
	static const uint8_t tsresol = 9;
	size_t namelen = name != NULL ? strlen(name) : 0;
	uint32_t len;
	int *n;
	unsigned cap;

	if (wif != NULL)
		*wif = 0;
	if (w->w_failed)
		return werr(w, err, "%s", "earlier error");
	if (linktype < 0 || linktype > 0xffff || wif == NULL)
		return werr(w, err, "interface %s: bad link type or arguments",
		            name != NULL ? name : "?");
	if (namelen > 255)
		namelen = 255;
	if (w->w_nifs == w->w_ifcap) {
		cap = w->w_ifcap != 0 ? w->w_ifcap * 2 : 8;
		n = realloc(w->w_ifs, cap * sizeof(*n));
		if (n == NULL)
			return werr(w, err, "%s", "out of memory");
		w->w_ifs = n;
		w->w_ifcap = cap;
	}
	if (w->w_fmt == NKR_WFORMAT_PCAP) {
		if (!w->w_hdr)
			pcap_header(w, linktype, snaplen != 0 ? snaplen : DEFAULT_SNAPLEN);
	} else {
		len = 20 + (namelen != 0 ? optlen(namelen) : 0) + optlen(1) + 4;
		put32(w, PCAPNG_IDB);
		put32(w, len);
		put16(w, (uint16_t)linktype);
		put16(w, 0);
		put32(w, snaplen);
		if (namelen != 0)
			put_opt(w, 2, name, (uint16_t)namelen); /* if_name */
		put_opt(w, 9, &tsresol, 1);                     /* if_tsresol: ns */
		put32(w, 0);
		put32(w, len);
	}
	if (w->w_failed) {
		if (err != NULL)
			*err = w->w_err;
		return -1;
	}
	w->w_ifs[w->w_nifs] = linktype;
	*wif = w->w_nifs++;
	return 0;
}

int
nkr_writer_write(struct nkr_writer *w, unsigned wif, int64_t time_ns, const void *data,
                 uint32_t caplen, uint32_t wirelen, int dir, const char *comment,
                 struct nkr_err *err)
{
	uint32_t len, flags, clen = 0;
	uint64_t t;
	int64_t sec, nsec;

	if (w->w_failed)
		return werr(w, err, "%s", "earlier error");
	if (wif >= w->w_nifs)
		return werr(w, err, "%s", "packet for an undeclared interface");
	if (caplen > MAX_PACKET || (caplen != 0 && data == NULL))
		return werr(w, err, "%s", "packet too large or without data");
	if (wirelen < caplen)
		wirelen = caplen;
	if (w->w_fmt == NKR_WFORMAT_PCAP) {
		if (w->w_ifs[wif] != w->w_linktype)
			return NKR_WRITER_MISMATCH;
		sec = time_ns / 1000000000;
		nsec = time_ns % 1000000000;
		if (nsec < 0) {
			nsec += 1000000000;
			sec--;
		}
		put32(w, (uint32_t)sec);
		put32(w, (uint32_t)nsec);
		put32(w, caplen);
		put32(w, wirelen);
		put(w, data, caplen);
	} else {
		switch (dir) {
		case NKS_DIR_IN:
			flags = 1;
			break;
		case NKS_DIR_OUT:
			flags = 2;
			break;
		default:
			flags = 0;
			break;
		}
		if (comment != NULL) {
			clen = (uint32_t)strlen(comment);
			if (clen > MAX_COMMENT)
				clen = MAX_COMMENT;
		}
		len = 32 + ((caplen + 3) & ~3u);
		if (flags != 0)
			len += optlen(4);
		if (clen != 0)
			len += optlen(clen);
		if (flags != 0 || clen != 0)
			len += 4;
		t = (uint64_t)time_ns;
		put32(w, PCAPNG_EPB);
		put32(w, len);
		put32(w, wif);
		put32(w, (uint32_t)(t >> 32));
		put32(w, (uint32_t)t);
		put32(w, caplen);
		put32(w, wirelen);
		put(w, data, caplen);
		pad(w, caplen);
		if (flags != 0) {
			put16(w, 2); /* epb_flags */
			put16(w, 4);
			put32(w, flags);
		}
		if (clen != 0)
			put_opt(w, 1, comment, (uint16_t)clen); /* opt_comment */
		if (flags != 0 || clen != 0)
			put32(w, 0);
		put32(w, len);
	}
	if (w->w_failed) {
		if (err != NULL)
			*err = w->w_err;
		return -1;
	}
	return 0;
}

int
nkr_writer_close(struct nkr_writer *w, struct nkr_err *err)
{
	int rc;

	if (w == NULL)
		return 0;
	/* A pcap file nobody declared an interface for still gets a header. */
	if (w->w_fmt == NKR_WFORMAT_PCAP && !w->w_hdr)
		pcap_header(w, 1, DEFAULT_SNAPLEN);
	errno = 0;
	if (fflush(w->w_fp) != 0)
		werr(w, NULL, "write error: %s", strerror(errno != 0 ? errno : EIO));
	if (w->w_own) {
		errno = 0;
		if (fclose(w->w_fp) != 0)
			werr(w, NULL, "write error: %s", strerror(errno != 0 ? errno : EIO));
	}
	rc = w->w_failed ? -1 : 0;
	if (rc != 0 && err != NULL)
		*err = w->w_err;
	free(w->w_ifs);
	free(w);
	return rc;
}

int
nkr_output_linktype(uint32_t iftype)
{
	switch (iftype) {
	case NKS_IFT_ETHER:
		return 1; /* LINKTYPE_ETHERNET */
	case NKS_IFT_LOOPBACK:
	case NKS_IFT_UTUN:
		return 0; /* LINKTYPE_NULL */
	default:
		return -1;
	}
}

uint32_t
nkr_output_frame(uint32_t iftype, uint32_t family, const uint8_t *pkt, uint32_t len, uint8_t *buf,
                 uint32_t size)
{
	uint32_t af;

	switch (iftype) {
	case NKS_IFT_ETHER:
		if (len > size)
			return 0;
		if (len != 0)
			memcpy(buf, pkt, len);
		return len;
	case NKS_IFT_LOOPBACK:
	case NKS_IFT_UTUN:
		if (family == NKS_FAMILY_INET)
			af = 2;
		else if (family == NKS_FAMILY_INET6)
			af = 30; /* Darwin's AF_INET6 */
		else
			return 0;
		if (size < 4 || len > size - 4)
			return 0;
		memcpy(buf, &af, 4); /* host order, as a capture on this host */
		if (len != 0)
			memcpy(buf + 4, pkt, len);
		return len + 4;
	default:
		return 0;
	}
}
