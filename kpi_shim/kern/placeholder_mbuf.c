/* PLACEHOLDER - replaced by the mbuf engine (uipc_mbuf.c). */
#include "nke_kern.h"
void nke__mbuf_init(void) {}
void nke__mbuf_fini(void) {}
void nke__mbuf_stats(struct nks_stats *st) { (void)st; }
