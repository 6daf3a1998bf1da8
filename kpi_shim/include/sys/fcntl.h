/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/fcntl.h> - open flags, file-status flags and fcntl commands with
 * Darwin's values (kernel world).  Kexts mostly name FREAD/FWRITE and the
 * O_ and F_ basics; the rest of Apple's header (file-system specific
 * commands, data-protection flags) is not part of nkesim.
 */
#ifndef _SYS_FCNTL_H_
#define _SYS_FCNTL_H_

#include <sys/cdefs.h>
#include <sys/types.h>

/* Access modes */
#define O_RDONLY  0x0000
#define O_WRONLY  0x0001
#define O_RDWR    0x0002
#define O_ACCMODE 0x0003

/* Kernel file flags: FREAD/FWRITE are the access modes plus one. */
#define FREAD  0x00000001
#define FWRITE 0x00000002

#define O_NONBLOCK        0x00000004
#define O_APPEND          0x00000008
#define O_SYNC            0x0080
#define O_SHLOCK          0x00000010
#define O_EXLOCK          0x00000020
#define O_ASYNC           0x00000040
#define O_FSYNC           O_SYNC
#define O_NOFOLLOW        0x00000100
#define O_CREAT           0x00000200
#define O_TRUNC           0x00000400
#define O_EXCL            0x00000800
#define O_RESOLVE_BENEATH 0x00001000
#define FMARK             0x00001000
#define FDEFER            0x00002000
#define FWASLOCKED        0x00004000
#define FHASLOCK          FWASLOCKED
#define O_EVTONLY         0x00008000
#define FWASWRITTEN       0x00010000
#define O_NOCTTY          0x00020000
#define FNOCACHE          0x00040000
#define FNORDAHEAD        0x00080000
#define O_DIRECTORY       0x00100000
#define O_SYMLINK         0x00200000
#define O_DSYNC           0x400000
#define FNODIRECT         0x00800000
#define O_CLOEXEC         0x01000000
#define FENCRYPTED        0x02000000
#define FSINGLE_WRITER    0x04000000
#define O_CLOFORK         0x08000000
#define FUNENCRYPTED      0x10000000
#define O_NOFOLLOW_ANY    0x20000000
#define O_EXEC            0x40000000
#define O_SEARCH          (O_EXEC | O_DIRECTORY)
#define FEXEC             O_EXEC
#define FSEARCH           FEXEC

/* Kernel spellings of the status flags */
#define FAPPEND   O_APPEND
#define FASYNC    O_ASYNC
#define FFSYNC    O_FSYNC
#define FFDSYNC   O_DSYNC
#define FNONBLOCK O_NONBLOCK
#define FNDELAY   O_NONBLOCK
#define O_NDELAY  O_NONBLOCK

/* open() flags <-> kernel file flags */
#define FFLAGS(oflags) (((oflags)&O_EXEC) ? ((oflags) & ~(O_ACCMODE)) : ((oflags) + 1))
#define OFLAGS(fflags) (((fflags)&FEXEC) ? ((fflags) & ~(O_ACCMODE)) : ((fflags)-1))
#define FMASK          (FREAD | FWRITE | FAPPEND | FASYNC | FFSYNC | FFDSYNC | FNONBLOCK | FEXEC)
#define FCNTLFLAGS     (FAPPEND | FASYNC | FFSYNC | FFDSYNC | FNONBLOCK)

/* fcntl() commands */
#define F_DUPFD         0
#define F_GETFD         1
#define F_SETFD         2
#define F_GETFL         3
#define F_SETFL         4
#define F_GETOWN        5
#define F_SETOWN        6
#define F_GETLK         7
#define F_SETLK         8
#define F_SETLKW        9
#define F_SETLKWTIMEOUT 10
#define F_FLUSH_DATA    40
#define F_PREALLOCATE   42
#define F_SETSIZE       43
#define F_RDADVISE      44
#define F_RDAHEAD       45
#define F_NOCACHE       48
#define F_LOG2PHYS      49
#define F_GETPATH       50
#define F_FULLFSYNC     51
#define F_SETNOSIGPIPE  73
#define F_GETNOSIGPIPE  74
#define F_DUPFD_CLOEXEC 67
#define F_BARRIERFSYNC  85

#define FD_CLOEXEC 1

/* Record locks */
#define F_RDLCK 1
#define F_UNLCK 2
#define F_WRLCK 3

#ifndef SEEK_SET
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#endif

struct flock {
	off_t l_start;  /* start of the locked range */
	off_t l_len;    /* its length, 0: to end of file */
	pid_t l_pid;    /* owner */
	short l_type;   /* F_RDLCK, F_WRLCK, F_UNLCK */
	short l_whence; /* SEEK_* base of l_start */
};

#endif /* !_SYS_FCNTL_H_ */
