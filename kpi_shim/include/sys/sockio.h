/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/sockio.h> - socket and interface ioctl commands (kernel world), with
 * Darwin's encodings.  The argument structures (struct ifreq & co) come
 * from <net/if.h>.  Only the commands a third-party kext can see.
 */
#ifndef _SYS_SOCKIO_H_
#define _SYS_SOCKIO_H_

#include <sys/ioccom.h>
#include <net/if.h>

/* Socket-level ('s') */
#define SIOCSHIWAT _IOW('s', 0, int)
#define SIOCGHIWAT _IOR('s', 1, int)
#define SIOCSLOWAT _IOW('s', 2, int)
#define SIOCGLOWAT _IOR('s', 3, int)
#define SIOCATMARK _IOR('s', 7, int)
#define SIOCSPGRP  _IOW('s', 8, int)
#define SIOCGPGRP  _IOR('s', 9, int)

/* Interface-level ('i'), in command-number order */
#define SIOCSIFADDR           _IOW('i', 12, struct ifreq)
#define SIOCSIFDSTADDR        _IOW('i', 14, struct ifreq)
#define SIOCSIFFLAGS          _IOW('i', 16, struct ifreq)
#define SIOCGIFFLAGS          _IOWR('i', 17, struct ifreq)
#define SIOCSIFBRDADDR        _IOW('i', 19, struct ifreq)
#define SIOCSIFNETMASK        _IOW('i', 22, struct ifreq)
#define SIOCGIFMETRIC         _IOWR('i', 23, struct ifreq)
#define SIOCSIFMETRIC         _IOW('i', 24, struct ifreq)
#define SIOCDIFADDR           _IOW('i', 25, struct ifreq)
#define SIOCAIFADDR           _IOW('i', 26, struct ifaliasreq)
#define SIOCGIFADDR           _IOWR('i', 33, struct ifreq)
#define SIOCGIFDSTADDR        _IOWR('i', 34, struct ifreq)
#define SIOCGIFBRDADDR        _IOWR('i', 35, struct ifreq)
#define SIOCGIFNETMASK        _IOWR('i', 37, struct ifreq)
#define SIOCAUTOADDR          _IOWR('i', 38, struct ifreq)
#define SIOCAUTONETMASK       _IOW('i', 39, struct ifreq)
#define SIOCARPIPLL           _IOWR('i', 40, struct ifreq)
#define SIOCADDMULTI          _IOW('i', 49, struct ifreq)
#define SIOCDELMULTI          _IOW('i', 50, struct ifreq)
#define SIOCGIFMTU            _IOWR('i', 51, struct ifreq)
#define SIOCSIFMTU            _IOW('i', 52, struct ifreq)
#define SIOCGIFPHYS           _IOWR('i', 53, struct ifreq)
#define SIOCSIFPHYS           _IOW('i', 54, struct ifreq)
#define SIOCSIFMEDIA          _IOWR('i', 55, struct ifreq)
#define SIOCGIFMEDIA          _IOWR('i', 56, struct ifmediareq)
#define SIOCSIFGENERIC        _IOW('i', 57, struct ifreq)
#define SIOCGIFGENERIC        _IOWR('i', 58, struct ifreq)
#define SIOCRSLVMULTI         _IOWR('i', 59, struct rslvmulti_req)
#define SIOCSIFLLADDR         _IOW('i', 60, struct ifreq)
#define SIOCGIFSTATUS         _IOWR('i', 61, struct ifstat)
#define SIOCSIFPHYADDR        _IOW('i', 62, struct ifaliasreq)
#define SIOCGIFPSRCADDR       _IOWR('i', 63, struct ifreq)
#define SIOCGIFPDSTADDR       _IOWR('i', 64, struct ifreq)
#define SIOCDIFPHYADDR        _IOW('i', 65, struct ifreq)
#define SIOCGIFDEVMTU         _IOWR('i', 68, struct ifreq)
#define SIOCSIFALTMTU         _IOW('i', 69, struct ifreq)
#define SIOCSIFBOND           _IOW('i', 70, struct ifreq)
#define SIOCGIFBOND           _IOWR('i', 71, struct ifreq)
#define SIOCGIFALTMTU         _IOWR('i', 72, struct ifreq)
#define SIOCGIFXMEDIA         _IOWR('i', 72, struct ifmediareq)
#define SIOCSIFCAP            _IOW('i', 90, struct ifreq)
#define SIOCGIFCAP            _IOWR('i', 91, struct ifreq)
#define SIOCSIFMANAGEMENT     _IOWR('i', 92, struct ifreq)
#define SIOCIFCREATE          _IOWR('i', 120, struct ifreq)
#define SIOCIFDESTROY         _IOW('i', 121, struct ifreq)
#define SIOCIFCREATE2         _IOWR('i', 122, struct ifreq)
#define SIOCSDRVSPEC          _IOW('i', 123, struct ifdrv)
#define SIOCGDRVSPEC          _IOWR('i', 123, struct ifdrv)
#define SIOCGIFASYNCMAP       _IOWR('i', 124, struct ifreq)
#define SIOCSIFASYNCMAP       _IOW('i', 125, struct ifreq)
#define SIOCSIFVLAN           _IOW('i', 126, struct ifreq)
#define SIOCGIFVLAN           _IOWR('i', 127, struct ifreq)
#define SIOCSETVLAN           SIOCSIFVLAN
#define SIOCGETVLAN           SIOCGIFVLAN
#define SIOCGIFMAC            _IOWR('i', 130, struct ifreq)
#define SIOCSIFMAC            _IOW('i', 131, struct ifreq)
#define SIOCSIFKPI            _IOW('i', 134, struct ifreq)
#define SIOCGIFKPI            _IOWR('i', 135, struct ifreq)
#define SIOCGIFWAKEFLAGS      _IOWR('i', 136, struct ifreq)
#define SIOCGIFFUNCTIONALTYPE _IOWR('i', 173, struct ifreq)
#define SIOCSIF6LOWPAN        _IOW('i', 196, struct ifreq)
#define SIOCGIF6LOWPAN        _IOWR('i', 197, struct ifreq)
#define SIOCGIFDIRECTLINK     _IOWR('i', 222, struct ifreq)

#endif /* !_SYS_SOCKIO_H_ */
