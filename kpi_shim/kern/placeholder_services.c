/* PLACEHOLDER - replaced by the kernel services (subr_prf.c, osmalloc.c, ...). */
#include <string.h>
#include "nke_kern.h"
void nke__services_init(void) {}
void nke__services_fini(void) {}
void nke__services_stats(struct nks_stats *st) { (void)st; }
int nke__vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	size_t n = strlen(fmt);
	(void)ap;
	if (size == 0) return (int)n;
	if (n >= size) n = size - 1;
	memcpy(buf, fmt, n);
	buf[n] = 0;
	return (int)n;
}
int nke__snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap; int r;
	va_start(ap, fmt); r = nke__vsnprintf(buf, size, fmt, ap); va_end(ap);
	return r;
}
NKE_KPI nks_u32 NKS_callouts_pending(nks_u64 *next_deadline) { (void)next_deadline; return 0; }
