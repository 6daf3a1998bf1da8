/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/queue.h> - the BSD intrusive list macros (kernel world): singly-linked
 * lists (SLIST), singly-linked tail queues (STAILQ), doubly-linked lists
 * (LIST), doubly-linked tail queues (TAILQ) and circular queues (CIRCLEQ).
 *
 * Heads and entries are declared with *_HEAD(name, type) and
 * *_ENTRY(type); elements embed the entry and are linked through the named
 * field.  The *_FOREACH_SAFE forms allow removing the current element while
 * iterating.
 *
 * NKE-DIVERGENCE: XNU's kernel variants check LIST/TAILQ/CIRCLEQ link
 * consistency on insert and remove and panic on corruption; these macros do
 * not check (ASan catches most of what those checks would).
 */
#ifndef _SYS_QUEUE_H_
#define _SYS_QUEUE_H_

#include <sys/cdefs.h>
#include <stddef.h> /* NULL */

/* ---- SLIST: singly-linked list ---------------------------------------- */

#define SLIST_HEAD(name, type)                                                                     \
	struct name {                                                                              \
		struct type *slh_first;                                                            \
	}

#define SLIST_HEAD_INITIALIZER(head)                                                               \
	{                                                                                          \
		NULL                                                                               \
	}

#define SLIST_ENTRY(type)                                                                          \
	struct {                                                                                   \
		struct type *sle_next;                                                             \
	}

#define SLIST_FIRST(head)      ((head)->slh_first)
#define SLIST_EMPTY(head)      ((head)->slh_first == NULL)
#define SLIST_NEXT(elm, field) ((elm)->field.sle_next)

#define SLIST_FOREACH(var, head, field)                                                            \
	for ((var) = SLIST_FIRST(head); (var) != NULL; (var) = SLIST_NEXT(var, field))

#define SLIST_FOREACH_SAFE(var, head, field, tvar)                                                 \
	for ((var) = SLIST_FIRST(head); (var) != NULL && ((tvar) = SLIST_NEXT(var, field), 1);     \
	     (var) = (tvar))

#define SLIST_FOREACH_PREVPTR(var, varp, head, field)                                              \
	for ((varp) = &SLIST_FIRST(head); ((var) = *(varp)) != NULL;                               \
	     (varp) = &SLIST_NEXT(var, field))

#define SLIST_INIT(head)                                                                           \
	do {                                                                                       \
		SLIST_FIRST(head) = NULL;                                                          \
	} while (0)

#define SLIST_INSERT_HEAD(head, elm, field)                                                        \
	do {                                                                                       \
		SLIST_NEXT(elm, field) = SLIST_FIRST(head);                                        \
		SLIST_FIRST(head) = (elm);                                                         \
	} while (0)

#define SLIST_INSERT_AFTER(slistelm, elm, field)                                                   \
	do {                                                                                       \
		SLIST_NEXT(elm, field) = SLIST_NEXT(slistelm, field);                              \
		SLIST_NEXT(slistelm, field) = (elm);                                               \
	} while (0)

#define SLIST_REMOVE_HEAD(head, field)                                                             \
	do {                                                                                       \
		SLIST_FIRST(head) = SLIST_NEXT(SLIST_FIRST(head), field);                          \
	} while (0)

#define SLIST_REMOVE_AFTER(elm, field)                                                             \
	do {                                                                                       \
		SLIST_NEXT(elm, field) = SLIST_NEXT(SLIST_NEXT(elm, field), field);                \
	} while (0)

#define SLIST_REMOVE(head, elm, type, field)                                                       \
	do {                                                                                       \
		if (SLIST_FIRST(head) == (elm)) {                                                  \
			SLIST_REMOVE_HEAD(head, field);                                            \
		} else {                                                                           \
			struct type *_slist_cur = SLIST_FIRST(head);                               \
			while (SLIST_NEXT(_slist_cur, field) != (elm))                             \
				_slist_cur = SLIST_NEXT(_slist_cur, field);                        \
			SLIST_REMOVE_AFTER(_slist_cur, field);                                     \
		}                                                                                  \
	} while (0)

/* ---- STAILQ: singly-linked tail queue --------------------------------- */

#define STAILQ_HEAD(name, type)                                                                    \
	struct name {                                                                              \
		struct type *stqh_first;                                                           \
		struct type **stqh_last;                                                           \
	}

#define STAILQ_HEAD_INITIALIZER(head)                                                              \
	{                                                                                          \
		NULL, &(head).stqh_first                                                           \
	}

#define STAILQ_ENTRY(type)                                                                         \
	struct {                                                                                   \
		struct type *stqe_next;                                                            \
	}

#define STAILQ_FIRST(head)      ((head)->stqh_first)
#define STAILQ_EMPTY(head)      ((head)->stqh_first == NULL)
#define STAILQ_NEXT(elm, field) ((elm)->field.stqe_next)

/* The last element, found from the address of its link field. */
#define STAILQ_LAST(head, type, field)                                                             \
	(STAILQ_EMPTY(head) ? NULL                                                                 \
	                    : (struct type *)(void *)((char *)((head)->stqh_last) -                \
	                                              __offsetof(struct type, field)))

#define STAILQ_FOREACH(var, head, field)                                                           \
	for ((var) = STAILQ_FIRST(head); (var) != NULL; (var) = STAILQ_NEXT(var, field))

#define STAILQ_FOREACH_SAFE(var, head, field, tvar)                                                \
	for ((var) = STAILQ_FIRST(head); (var) != NULL && ((tvar) = STAILQ_NEXT(var, field), 1);   \
	     (var) = (tvar))

#define STAILQ_INIT(head)                                                                          \
	do {                                                                                       \
		STAILQ_FIRST(head) = NULL;                                                         \
		(head)->stqh_last = &STAILQ_FIRST(head);                                           \
	} while (0)

#define STAILQ_INSERT_HEAD(head, elm, field)                                                       \
	do {                                                                                       \
		if ((STAILQ_NEXT(elm, field) = STAILQ_FIRST(head)) == NULL)                        \
			(head)->stqh_last = &STAILQ_NEXT(elm, field);                              \
		STAILQ_FIRST(head) = (elm);                                                        \
	} while (0)

#define STAILQ_INSERT_TAIL(head, elm, field)                                                       \
	do {                                                                                       \
		STAILQ_NEXT(elm, field) = NULL;                                                    \
		*(head)->stqh_last = (elm);                                                        \
		(head)->stqh_last = &STAILQ_NEXT(elm, field);                                      \
	} while (0)

#define STAILQ_INSERT_AFTER(head, tqelm, elm, field)                                               \
	do {                                                                                       \
		if ((STAILQ_NEXT(elm, field) = STAILQ_NEXT(tqelm, field)) == NULL)                 \
			(head)->stqh_last = &STAILQ_NEXT(elm, field);                              \
		STAILQ_NEXT(tqelm, field) = (elm);                                                 \
	} while (0)

#define STAILQ_REMOVE_HEAD(head, field)                                                            \
	do {                                                                                       \
		if ((STAILQ_FIRST(head) = STAILQ_NEXT(STAILQ_FIRST(head), field)) == NULL)         \
			(head)->stqh_last = &STAILQ_FIRST(head);                                   \
	} while (0)

/* Remove every element up to and including elm. */
#define STAILQ_REMOVE_HEAD_UNTIL(head, elm, field)                                                 \
	do {                                                                                       \
		if ((STAILQ_FIRST(head) = STAILQ_NEXT(elm, field)) == NULL)                        \
			(head)->stqh_last = &STAILQ_FIRST(head);                                   \
	} while (0)

#define STAILQ_REMOVE_AFTER(head, elm, field)                                                      \
	do {                                                                                       \
		if ((STAILQ_NEXT(elm, field) = STAILQ_NEXT(STAILQ_NEXT(elm, field), field)) ==     \
		    NULL)                                                                          \
			(head)->stqh_last = &STAILQ_NEXT(elm, field);                              \
	} while (0)

#define STAILQ_REMOVE(head, elm, type, field)                                                      \
	do {                                                                                       \
		if (STAILQ_FIRST(head) == (elm)) {                                                 \
			STAILQ_REMOVE_HEAD(head, field);                                           \
		} else {                                                                           \
			struct type *_stq_cur = STAILQ_FIRST(head);                                \
			while (STAILQ_NEXT(_stq_cur, field) != (elm))                              \
				_stq_cur = STAILQ_NEXT(_stq_cur, field);                           \
			STAILQ_REMOVE_AFTER(head, _stq_cur, field);                                \
		}                                                                                  \
	} while (0)

/* Append all of head2 to head1 and leave head2 empty. */
#define STAILQ_CONCAT(head1, head2)                                                                \
	do {                                                                                       \
		if (!STAILQ_EMPTY(head2)) {                                                        \
			*(head1)->stqh_last = (head2)->stqh_first;                                 \
			(head1)->stqh_last = (head2)->stqh_last;                                   \
			STAILQ_INIT(head2);                                                        \
		}                                                                                  \
	} while (0)

#define STAILQ_SWAP(head1, head2, type)                                                            \
	do {                                                                                       \
		struct type *_stq_first = STAILQ_FIRST(head1);                                     \
		struct type **_stq_last = (head1)->stqh_last;                                      \
		STAILQ_FIRST(head1) = STAILQ_FIRST(head2);                                         \
		(head1)->stqh_last = (head2)->stqh_last;                                           \
		STAILQ_FIRST(head2) = _stq_first;                                                  \
		(head2)->stqh_last = _stq_last;                                                    \
		if (STAILQ_EMPTY(head1))                                                           \
			(head1)->stqh_last = &STAILQ_FIRST(head1);                                 \
		if (STAILQ_EMPTY(head2))                                                           \
			(head2)->stqh_last = &STAILQ_FIRST(head2);                                 \
	} while (0)

/* ---- LIST: doubly-linked list ----------------------------------------- */

#define LIST_HEAD(name, type)                                                                      \
	struct name {                                                                              \
		struct type *lh_first;                                                             \
	}

#define LIST_HEAD_INITIALIZER(head)                                                                \
	{                                                                                          \
		NULL                                                                               \
	}

/* le_prev points at the previous element's le_next (or at lh_first). */
#define LIST_ENTRY(type)                                                                           \
	struct {                                                                                   \
		struct type *le_next;                                                              \
		struct type **le_prev;                                                             \
	}

#define LIST_FIRST(head)      ((head)->lh_first)
#define LIST_EMPTY(head)      ((head)->lh_first == NULL)
#define LIST_NEXT(elm, field) ((elm)->field.le_next)

#define LIST_FOREACH(var, head, field)                                                             \
	for ((var) = LIST_FIRST(head); (var) != NULL; (var) = LIST_NEXT(var, field))

#define LIST_FOREACH_SAFE(var, head, field, tvar)                                                  \
	for ((var) = LIST_FIRST(head); (var) != NULL && ((tvar) = LIST_NEXT(var, field), 1);       \
	     (var) = (tvar))

#define LIST_INIT(head)                                                                            \
	do {                                                                                       \
		LIST_FIRST(head) = NULL;                                                           \
	} while (0)

#define LIST_INSERT_HEAD(head, elm, field)                                                         \
	do {                                                                                       \
		if ((LIST_NEXT(elm, field) = LIST_FIRST(head)) != NULL)                            \
			LIST_FIRST(head)->field.le_prev = &LIST_NEXT(elm, field);                  \
		LIST_FIRST(head) = (elm);                                                          \
		(elm)->field.le_prev = &LIST_FIRST(head);                                          \
	} while (0)

#define LIST_INSERT_AFTER(listelm, elm, field)                                                     \
	do {                                                                                       \
		if ((LIST_NEXT(elm, field) = LIST_NEXT(listelm, field)) != NULL)                   \
			LIST_NEXT(listelm, field)->field.le_prev = &LIST_NEXT(elm, field);         \
		LIST_NEXT(listelm, field) = (elm);                                                 \
		(elm)->field.le_prev = &LIST_NEXT(listelm, field);                                 \
	} while (0)

#define LIST_INSERT_BEFORE(listelm, elm, field)                                                    \
	do {                                                                                       \
		(elm)->field.le_prev = (listelm)->field.le_prev;                                   \
		LIST_NEXT(elm, field) = (listelm);                                                 \
		*(listelm)->field.le_prev = (elm);                                                 \
		(listelm)->field.le_prev = &LIST_NEXT(elm, field);                                 \
	} while (0)

#define LIST_REMOVE(elm, field)                                                                    \
	do {                                                                                       \
		if (LIST_NEXT(elm, field) != NULL)                                                 \
			LIST_NEXT(elm, field)->field.le_prev = (elm)->field.le_prev;               \
		*(elm)->field.le_prev = LIST_NEXT(elm, field);                                     \
	} while (0)

#define LIST_SWAP(head1, head2, type, field)                                                       \
	do {                                                                                       \
		struct type *_list_tmp = LIST_FIRST(head1);                                        \
		LIST_FIRST(head1) = LIST_FIRST(head2);                                             \
		LIST_FIRST(head2) = _list_tmp;                                                     \
		if ((_list_tmp = LIST_FIRST(head1)) != NULL)                                       \
			_list_tmp->field.le_prev = &LIST_FIRST(head1);                             \
		if ((_list_tmp = LIST_FIRST(head2)) != NULL)                                       \
			_list_tmp->field.le_prev = &LIST_FIRST(head2);                             \
	} while (0)

/* ---- TAILQ: doubly-linked tail queue ---------------------------------- */

/*
 * tqh_last and tqe_prev point at the previous next-pointer.  TAILQ_LAST and
 * TAILQ_PREV rely on a TAILQ_HEAD having the same layout as a TAILQ_ENTRY,
 * as in every BSD.
 */
#define TAILQ_HEAD(name, type)                                                                     \
	struct name {                                                                              \
		struct type *tqh_first;                                                            \
		struct type **tqh_last;                                                            \
	}

#define TAILQ_HEAD_INITIALIZER(head)                                                               \
	{                                                                                          \
		NULL, &(head).tqh_first                                                            \
	}

#define TAILQ_ENTRY(type)                                                                          \
	struct {                                                                                   \
		struct type *tqe_next;                                                             \
		struct type **tqe_prev;                                                            \
	}

#define TAILQ_FIRST(head)          ((head)->tqh_first)
#define TAILQ_EMPTY(head)          ((head)->tqh_first == NULL)
#define TAILQ_NEXT(elm, field)     ((elm)->field.tqe_next)
#define TAILQ_LAST(head, headname) (*(((struct headname *)(void *)((head)->tqh_last))->tqh_last))
#define TAILQ_PREV(elm, headname, field)                                                           \
	(*(((struct headname *)(void *)((elm)->field.tqe_prev))->tqh_last))

#define TAILQ_FOREACH(var, head, field)                                                            \
	for ((var) = TAILQ_FIRST(head); (var) != NULL; (var) = TAILQ_NEXT(var, field))

#define TAILQ_FOREACH_SAFE(var, head, field, tvar)                                                 \
	for ((var) = TAILQ_FIRST(head); (var) != NULL && ((tvar) = TAILQ_NEXT(var, field), 1);     \
	     (var) = (tvar))

#define TAILQ_FOREACH_REVERSE(var, head, headname, field)                                          \
	for ((var) = TAILQ_LAST(head, headname); (var) != NULL;                                    \
	     (var) = TAILQ_PREV(var, headname, field))

#define TAILQ_FOREACH_REVERSE_SAFE(var, head, headname, field, tvar)                               \
	for ((var) = TAILQ_LAST(head, headname);                                                   \
	     (var) != NULL && ((tvar) = TAILQ_PREV(var, headname, field), 1); (var) = (tvar))

#define TAILQ_INIT(head)                                                                           \
	do {                                                                                       \
		TAILQ_FIRST(head) = NULL;                                                          \
		(head)->tqh_last = &TAILQ_FIRST(head);                                             \
	} while (0)

/* Same as TAILQ_INIT; XNU uses it for heads that are already zeroed. */
#define TAILQ_INIT_AFTER_BZERO(head) TAILQ_INIT(head)

#define TAILQ_INSERT_HEAD(head, elm, field)                                                        \
	do {                                                                                       \
		if ((TAILQ_NEXT(elm, field) = TAILQ_FIRST(head)) != NULL)                          \
			TAILQ_FIRST(head)->field.tqe_prev = &TAILQ_NEXT(elm, field);               \
		else                                                                               \
			(head)->tqh_last = &TAILQ_NEXT(elm, field);                                \
		TAILQ_FIRST(head) = (elm);                                                         \
		(elm)->field.tqe_prev = &TAILQ_FIRST(head);                                        \
	} while (0)

#define TAILQ_INSERT_TAIL(head, elm, field)                                                        \
	do {                                                                                       \
		TAILQ_NEXT(elm, field) = NULL;                                                     \
		(elm)->field.tqe_prev = (head)->tqh_last;                                          \
		*(head)->tqh_last = (elm);                                                         \
		(head)->tqh_last = &TAILQ_NEXT(elm, field);                                        \
	} while (0)

#define TAILQ_INSERT_AFTER(head, listelm, elm, field)                                              \
	do {                                                                                       \
		if ((TAILQ_NEXT(elm, field) = TAILQ_NEXT(listelm, field)) != NULL)                 \
			TAILQ_NEXT(elm, field)->field.tqe_prev = &TAILQ_NEXT(elm, field);          \
		else                                                                               \
			(head)->tqh_last = &TAILQ_NEXT(elm, field);                                \
		TAILQ_NEXT(listelm, field) = (elm);                                                \
		(elm)->field.tqe_prev = &TAILQ_NEXT(listelm, field);                               \
	} while (0)

#define TAILQ_INSERT_BEFORE(listelm, elm, field)                                                   \
	do {                                                                                       \
		(elm)->field.tqe_prev = (listelm)->field.tqe_prev;                                 \
		TAILQ_NEXT(elm, field) = (listelm);                                                \
		*(listelm)->field.tqe_prev = (elm);                                                \
		(listelm)->field.tqe_prev = &TAILQ_NEXT(elm, field);                               \
	} while (0)

#define TAILQ_REMOVE(head, elm, field)                                                             \
	do {                                                                                       \
		if (TAILQ_NEXT(elm, field) != NULL)                                                \
			TAILQ_NEXT(elm, field)->field.tqe_prev = (elm)->field.tqe_prev;            \
		else                                                                               \
			(head)->tqh_last = (elm)->field.tqe_prev;                                  \
		*(elm)->field.tqe_prev = TAILQ_NEXT(elm, field);                                   \
	} while (0)

/* Append all of head2 to head1 and leave head2 empty. */
#define TAILQ_CONCAT(head1, head2, field)                                                          \
	do {                                                                                       \
		if (!TAILQ_EMPTY(head2)) {                                                         \
			*(head1)->tqh_last = TAILQ_FIRST(head2);                                   \
			TAILQ_FIRST(head2)->field.tqe_prev = (head1)->tqh_last;                    \
			(head1)->tqh_last = (head2)->tqh_last;                                     \
			TAILQ_INIT(head2);                                                         \
		}                                                                                  \
	} while (0)

#define TAILQ_SWAP(head1, head2, type, field)                                                      \
	do {                                                                                       \
		struct type *_tq_first = TAILQ_FIRST(head1);                                       \
		struct type **_tq_last = (head1)->tqh_last;                                        \
		TAILQ_FIRST(head1) = TAILQ_FIRST(head2);                                           \
		(head1)->tqh_last = (head2)->tqh_last;                                             \
		TAILQ_FIRST(head2) = _tq_first;                                                    \
		(head2)->tqh_last = _tq_last;                                                      \
		if ((_tq_first = TAILQ_FIRST(head1)) != NULL)                                      \
			_tq_first->field.tqe_prev = &TAILQ_FIRST(head1);                           \
		else                                                                               \
			(head1)->tqh_last = &TAILQ_FIRST(head1);                                   \
		if ((_tq_first = TAILQ_FIRST(head2)) != NULL)                                      \
			_tq_first->field.tqe_prev = &TAILQ_FIRST(head2);                           \
		else                                                                               \
			(head2)->tqh_last = &TAILQ_FIRST(head2);                                   \
	} while (0)

/* ---- CIRCLEQ: circular queue (head is the sentinel) ------------------- */

#define CIRCLEQ_HEAD(name, type)                                                                   \
	struct name {                                                                              \
		struct type *cqh_first;                                                            \
		struct type *cqh_last;                                                             \
	}

#define CIRCLEQ_ENTRY(type)                                                                        \
	struct {                                                                                   \
		struct type *cqe_next;                                                             \
		struct type *cqe_prev;                                                             \
	}

/* The sentinel: the head itself, seen as an element pointer. */
#define _CIRCLEQ_END(head) ((void *)(head))

#define CIRCLEQ_FIRST(head)      ((head)->cqh_first)
#define CIRCLEQ_LAST(head)       ((head)->cqh_last)
#define CIRCLEQ_EMPTY(head)      ((void *)(head)->cqh_first == _CIRCLEQ_END(head))
#define CIRCLEQ_NEXT(elm, field) ((elm)->field.cqe_next)
#define CIRCLEQ_PREV(elm, field) ((elm)->field.cqe_prev)

#define CIRCLEQ_FOREACH(var, head, field)                                                          \
	for ((var) = CIRCLEQ_FIRST(head); (void *)(var) != _CIRCLEQ_END(head);                     \
	     (var) = CIRCLEQ_NEXT(var, field))

#define CIRCLEQ_INIT(head)                                                                         \
	do {                                                                                       \
		(head)->cqh_first = _CIRCLEQ_END(head);                                            \
		(head)->cqh_last = _CIRCLEQ_END(head);                                             \
	} while (0)

#define CIRCLEQ_INSERT_AFTER(head, listelm, elm, field)                                            \
	do {                                                                                       \
		(elm)->field.cqe_next = (listelm)->field.cqe_next;                                 \
		(elm)->field.cqe_prev = (listelm);                                                 \
		if ((void *)(listelm)->field.cqe_next == _CIRCLEQ_END(head))                       \
			(head)->cqh_last = (elm);                                                  \
		else                                                                               \
			(listelm)->field.cqe_next->field.cqe_prev = (elm);                         \
		(listelm)->field.cqe_next = (elm);                                                 \
	} while (0)

#define CIRCLEQ_INSERT_BEFORE(head, listelm, elm, field)                                           \
	do {                                                                                       \
		(elm)->field.cqe_next = (listelm);                                                 \
		(elm)->field.cqe_prev = (listelm)->field.cqe_prev;                                 \
		if ((void *)(listelm)->field.cqe_prev == _CIRCLEQ_END(head))                       \
			(head)->cqh_first = (elm);                                                 \
		else                                                                               \
			(listelm)->field.cqe_prev->field.cqe_next = (elm);                         \
		(listelm)->field.cqe_prev = (elm);                                                 \
	} while (0)

#define CIRCLEQ_INSERT_HEAD(head, elm, field)                                                      \
	do {                                                                                       \
		(elm)->field.cqe_next = (head)->cqh_first;                                         \
		(elm)->field.cqe_prev = _CIRCLEQ_END(head);                                        \
		if ((void *)(head)->cqh_last == _CIRCLEQ_END(head))                                \
			(head)->cqh_last = (elm);                                                  \
		else                                                                               \
			(head)->cqh_first->field.cqe_prev = (elm);                                 \
		(head)->cqh_first = (elm);                                                         \
	} while (0)

#define CIRCLEQ_INSERT_TAIL(head, elm, field)                                                      \
	do {                                                                                       \
		(elm)->field.cqe_next = _CIRCLEQ_END(head);                                        \
		(elm)->field.cqe_prev = (head)->cqh_last;                                          \
		if ((void *)(head)->cqh_first == _CIRCLEQ_END(head))                               \
			(head)->cqh_first = (elm);                                                 \
		else                                                                               \
			(head)->cqh_last->field.cqe_next = (elm);                                  \
		(head)->cqh_last = (elm);                                                          \
	} while (0)

#define CIRCLEQ_REMOVE(head, elm, field)                                                           \
	do {                                                                                       \
		if ((void *)(elm)->field.cqe_next == _CIRCLEQ_END(head))                           \
			(head)->cqh_last = (elm)->field.cqe_prev;                                  \
		else                                                                               \
			(elm)->field.cqe_next->field.cqe_prev = (elm)->field.cqe_prev;             \
		if ((void *)(elm)->field.cqe_prev == _CIRCLEQ_END(head))                           \
			(head)->cqh_first = (elm)->field.cqe_next;                                 \
		else                                                                               \
			(elm)->field.cqe_prev->field.cqe_next = (elm)->field.cqe_next;             \
	} while (0)

#endif /* !_SYS_QUEUE_H_ */
