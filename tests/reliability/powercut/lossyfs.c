/*
 * lossyfs: a FUSE filesystem that simulates a power cut.
 *
 *   lossyfs BACKING_DIR MOUNTPOINT [--meta=lazy|eager] [--stats=FILE] [--debug]
 *
 * At start the tree under BACKING_DIR (regular files and directories) is loaded into memory. Every operation made
 * through MOUNTPOINT acts on that in-memory ("volatile") tree only. Each inode also keeps a "durable" version:
 *   - a regular file's durable content (bytes and size) becomes a copy of its volatile content on fsync/fdatasync;
 *   - a directory's durable entries (name -> inode) become a copy of its volatile entries on fsync of the directory;
 *   - --meta=eager: every namespace change (create, mkdir, rename, unlink, rmdir) is also made durable at once, as on
 *     a journaling filesystem that commits metadata before data (new files then exist durably, empty until fsynced).
 * When the filesystem is unmounted (fusermount3 -u, or SIGTERM/SIGINT/SIGHUP) the durable tree, and only it, is written
 * into a sibling temp folder of BACKING_DIR which is then swapped in: the next mount starts from what a power cut
 * would have left. The daemon exits once that is done, so wait for it before using BACKING_DIR or remounting.
 * --stats=FILE writes a JSON object describing what the cut dropped.
 *
 * Design: the low-level FUSE API (inode based, so open-but-unlinked files need nothing special), one thread (no
 * locking), content kept in 4 KiB pages shared copy-on-write between the volatile and durable versions, with a dirty
 * page range per file so that an fsync costs in proportion to what changed since the previous one.
 * Out-of-memory aborts the daemon: this is a test tool.
 */
#define _GNU_SOURCE
#define FUSE_USE_VERSION 34
#include <fuse_lowlevel.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <linux/falloc.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096                   /* content granularity and copy-on-write unit */
#define MAX_SIZE ((off_t)1 << 40)   /* bigger files are refused with EFBIG */
#define TIMEOUT 1.0                 /* kernel entry/attr cache, seconds: only this mount changes the tree, so the
                                       kernel's caches cannot go stale, and a remount starts with empty caches */

enum { V = 0, D = 1 };              /* index of the volatile and the durable version */

struct page { unsigned refs; unsigned char b[PAGE]; };
struct content { off_t size; size_t cap; struct page **pg; };   /* pg[i] NULL: a page of zeros */
struct ent { char *name; struct node *n; };
struct ents { size_t n, cap; struct ent *e; };

struct node {
	struct node *prev, *next;       /* list of every node */
	uint64_t num;                   /* st_ino, also the FUSE generation */
	mode_t mode;
	uid_t uid;
	gid_t gid;
	struct timespec atime, mtime, ctime;   /* not versioned: the current values are written at unmount */
	struct content c[2];            /* regular files */
	size_t dlo, dhi;                /* pages of c[V] in [dlo, dhi) may differ from those of c[D] */
	struct ents ents[2];            /* directories */
	struct node *vparent;           /* directories: parent in the volatile tree (rename loop check, "..") */
	unsigned links[2];              /* names of this node in the volatile / durable trees */
	uint64_t nlookup;               /* references held by the kernel */
	unsigned nopen;                 /* open file handles */
	bool vreach, dreach, busy;      /* marks used at unmount */
};

static struct {
	char *backing;
	const char *stats;
	bool eager;
	struct node *root, *all;
	uint64_t next_num, fsyncs, fsyncdirs;
	int failed;
} g;

static unsigned char zeros[PAGE];

/* ---- helpers ---- */

static void *xrealloc(void *p, size_t n) {
	p = realloc(p, n ? n : 1);
	if (!p) { fprintf(stderr, "lossyfs: out of memory\n"); abort(); }
	return p;
}
static void *xmalloc(size_t n) { return xrealloc(NULL, n); }
static char *xstrdup(const char *s) { return strcpy(xmalloc(strlen(s) + 1), s); }
static void now(struct timespec *t) { clock_gettime(CLOCK_REALTIME, t); }
static void touch(struct node *n) { now(&n->mtime); n->ctime = n->mtime; }
static size_t min_sz(size_t a, size_t b) { return a < b ? a : b; }
static void clean(struct node *n) { n->dlo = SIZE_MAX; n->dhi = 0; }   /* no dirty page */
static void set_attrs(struct node *n, const struct stat *st) {
	n->uid = st->st_uid, n->gid = st->st_gid;
	n->atime = st->st_atim, n->mtime = st->st_mtim, n->ctime = st->st_ctim;
}

/* snprintf into a PATH_MAX buffer; -1 (ENAMETOOLONG) when it does not fit. */
static int pathf(char *out, const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(out, PATH_MAX, fmt, ap);
	va_end(ap);
	if (r < 0 || r >= PATH_MAX) { errno = ENAMETOOLONG; return -1; }
	return 0;
}

static struct node *node_new(mode_t mode) {
	struct node *n = xmalloc(sizeof *n);
	memset(n, 0, sizeof *n);
	n->num = ++g.next_num;
	n->mode = mode;
	touch(n);
	n->atime = n->mtime;
	clean(n);
	n->next = g.all;
	if (g.all) g.all->prev = n;
	g.all = n;
	return n;
}

/* The root is FUSE's inode 1; every other node's FUSE inode number is its address (as in libfuse's passthrough_ll). */
static struct node *N(fuse_ino_t ino) { return ino == FUSE_ROOT_ID ? g.root : (struct node *)(uintptr_t)ino; }
static fuse_ino_t INO(struct node *n) { return n == g.root ? FUSE_ROOT_ID : (fuse_ino_t)(uintptr_t)n; }

/* ---- file content ---- */

static void page_put(struct page *p) { if (p && --p->refs == 0) free(p); }
static struct page *pg_at(const struct content *c, size_t i) { return i < c->cap ? c->pg[i] : NULL; }

static void content_reserve(struct content *c, size_t np) {
	if (np <= c->cap) return;
	size_t cap = c->cap ? c->cap : 4;
	while (cap < np) cap *= 2;
	c->pg = xrealloc(c->pg, cap * sizeof *c->pg);
	memset(c->pg + c->cap, 0, (cap - c->cap) * sizeof *c->pg);
	c->cap = cap;
}

static void content_free(struct content *c) {
	for (size_t i = 0; i < c->cap; i++) page_put(c->pg[i]);
	free(c->pg);
	memset(c, 0, sizeof *c);
}

static void mark(struct node *n, size_t lo, size_t hi) {
	if (lo < n->dlo) n->dlo = lo;
	if (hi > n->dhi) n->dhi = hi;
}

/* Page i of the volatile content, made private (copied if shared with the durable version) so it can be changed. */
static unsigned char *vpage(struct node *n, size_t i) {
	struct content *v = &n->c[V];
	content_reserve(v, i + 1);
	struct page *p = v->pg[i];
	if (!p || p->refs > 1) {
		struct page *q = xmalloc(sizeof *q);
		q->refs = 1;
		memcpy(q->b, p ? p->b : zeros, PAGE);
		page_put(p);
		v->pg[i] = p = q;
	}
	mark(n, i, i + 1);
	return p->b;
}

/* Writes size bytes at off into the volatile content; zeros when src is NULL. Invariant kept by this and
 * file_truncate: every byte of a page beyond the content's size is zero, so growing a file exposes zeros. */
static void file_write(struct node *n, const char *src, size_t size, off_t off) {
	if (!size) return;
	for (size_t done = 0; done < size;) {
		off_t pos = off + (off_t)done;
		size_t i = pos / PAGE, o = pos % PAGE, k = min_sz(PAGE - o, size - done);
		if (src || pg_at(&n->c[V], i)) {
			unsigned char *b = vpage(n, i);
			if (src) memcpy(b + o, src + done, k);
			else memset(b + o, 0, k);
		}
		done += k;
	}
	if (off + (off_t)size > n->c[V].size) n->c[V].size = off + (off_t)size;
}

static void file_truncate(struct node *n, off_t size) {
	struct content *v = &n->c[V];
	if (size < v->size) {
		for (size_t i = (size + PAGE - 1) / PAGE; i < v->cap; i++)
			if (v->pg[i]) {
				page_put(v->pg[i]);
				v->pg[i] = NULL;
				mark(n, i, i + 1);
			}
		if (size % PAGE && pg_at(v, size / PAGE))
			memset(vpage(n, size / PAGE) + size % PAGE, 0, PAGE - size % PAGE);
	}
	v->size = size;
}

/* fsync: the durable content becomes the volatile one. Only the dirty page range is visited. */
static void file_sync(struct node *n) {
	struct content *v = &n->c[V], *d = &n->c[D];
	content_reserve(d, v->cap);
	for (size_t i = n->dlo; i < min_sz(n->dhi, v->cap); i++)
		if (d->pg[i] != v->pg[i]) {
			page_put(d->pg[i]);
			if ((d->pg[i] = v->pg[i])) d->pg[i]->refs++;
		}
	for (size_t i = v->cap; i < d->cap; i++) {  /* only if the volatile content was dropped */
		page_put(d->pg[i]);
		d->pg[i] = NULL;
	}
	d->size = v->size;
	clean(n);
}

/* ---- directory entries ---- */

static void maybe_free(struct node *n);

static struct ent *ent_find(const struct ents *l, const char *name) {
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->e[i].name, name) == 0) return &l->e[i];
	return NULL;
}

static void link_drop(struct node *n, int w) { n->links[w]--; maybe_free(n); }

/* Makes name in dir's version w (V or D) refer to child, replacing any previous entry. */
static void ent_set(struct node *dir, int w, const char *name, struct node *child) {
	struct ents *l = &dir->ents[w];
	struct ent *e = ent_find(l, name);
	child->links[w]++;
	if (e) {
		struct node *old = e->n;
		e->n = child;
		link_drop(old, w);
		return;
	}
	if (l->n == l->cap) { l->cap = l->cap ? 2 * l->cap : 8; l->e = xrealloc(l->e, l->cap * sizeof *l->e); }
	l->e[l->n].name = xstrdup(name);
	l->e[l->n++].n = child;
}

static void ent_del(struct node *dir, int w, const char *name) {
	struct ents *l = &dir->ents[w];
	struct ent *e = ent_find(l, name);
	if (!e) return;
	struct node *old = e->n;
	free(e->name);
	*e = l->e[--l->n];   /* order does not matter; readdir works on a snapshot */
	link_drop(old, w);
}

static void ents_free(struct ents *l, int w) {
	struct ents old = *l;   /* detached first: dropping links may free nodes recursively */
	memset(l, 0, sizeof *l);
	for (size_t i = 0; i < old.n; i++) { free(old.e[i].name); link_drop(old.e[i].n, w); }
	free(old.e);
}

/* fsyncdir: the durable entries become a copy of the volatile ones. */
static void dir_sync(struct node *dir) {
	struct ents *v = &dir->ents[V], nw = { v->n, v->n, xmalloc(v->n * sizeof *v->e) };
	for (size_t i = 0; i < v->n; i++) {
		nw.e[i].name = xstrdup(v->e[i].name);
		nw.e[i].n = v->e[i].n;
		nw.e[i].n->links[D]++;
	}
	struct ents old = dir->ents[D];
	dir->ents[D] = nw;
	ents_free(&old, D);
}

/* --meta=eager: a namespace change to dir/name is durable at once. */
static void meta_changed(struct node *dir, const char *name) {
	if (!g.eager) return;
	struct ent *e = ent_find(&dir->ents[V], name);
	if (e) ent_set(dir, D, name, e->n);
	else ent_del(dir, D, name);
}

/* Frees what can no longer be reached: the volatile version once no process can reach the node (no volatile name,
 * no kernel reference, not open), the whole node once no durable name refers to it either. */
static void maybe_free(struct node *n) {
	if (n->links[V] || n->nlookup || n->nopen) return;
	content_free(&n->c[V]);
	clean(n);
	ents_free(&n->ents[V], V);
	if (n->links[D]) return;
	if (n->prev) n->prev->next = n->next;
	else g.all = n->next;
	if (n->next) n->next->prev = n->prev;
	content_free(&n->c[D]);
	ents_free(&n->ents[D], D);
	free(n);
}

/* ---- FUSE operations ---- */

static void fill_stat(struct node *n, struct stat *st) {
	memset(st, 0, sizeof *st);
	st->st_ino = n->num, st->st_mode = n->mode, st->st_uid = n->uid, st->st_gid = n->gid;
	if (S_ISDIR(n->mode)) {
		st->st_nlink = n->links[V] ? 2 : 0;
		for (size_t i = 0; i < n->ents[V].n; i++) st->st_nlink += S_ISDIR(n->ents[V].e[i].n->mode);
		st->st_size = PAGE;
	} else {
		st->st_nlink = n->links[V];
		st->st_size = n->c[V].size;
	}
	st->st_blksize = PAGE;
	st->st_blocks = (st->st_size + 511) / 512;
	st->st_atim = n->atime, st->st_mtim = n->mtime, st->st_ctim = n->ctime;
}

static void fill_entry(struct node *n, struct fuse_entry_param *e) {
	memset(e, 0, sizeof *e);
	e->ino = INO(n);
	e->generation = n->num;
	fill_stat(n, &e->attr);
	e->attr_timeout = e->entry_timeout = TIMEOUT;
}

static void reply_entry(fuse_req_t req, struct node *n) {
	struct fuse_entry_param e;
	fill_entry(n, &e);
	n->nlookup++;
	if (fuse_reply_entry(req, &e)) { n->nlookup--; maybe_free(n); }
}

static void op_init(void *ud, struct fuse_conn_info *conn) {
	(void)ud;
	/* No kernel write-back cache: every write() reaches the daemon at once, so the volatile tree is exactly what
	 * the processes wrote, and nothing the kernel still holds can be mistaken for durable. */
	conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;
	/* The kernel's page cache is never stale (only this mount changes the files), so it need not be dropped when
	 * mtime changes; dropping it would also force mmap'd pages (SQLite's -shm) to be re-read. */
	conn->want &= ~FUSE_CAP_AUTO_INVAL_DATA;
	if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC) conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name) {
	struct node *p = N(parent);
	struct ent *e = S_ISDIR(p->mode) ? ent_find(&p->ents[V], name) : NULL;
	if (!e) fuse_reply_err(req, S_ISDIR(p->mode) ? ENOENT : ENOTDIR);
	else reply_entry(req, e->n);
}

static void forget_one(fuse_ino_t ino, uint64_t nlookup) { N(ino)->nlookup -= nlookup; maybe_free(N(ino)); }
static void op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup) {
	forget_one(ino, nlookup);
	fuse_reply_none(req);
}
static void op_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *f) {
	for (size_t i = 0; i < count; i++) forget_one(f[i].ino, f[i].nlookup);
	fuse_reply_none(req);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
	(void)fi;
	struct stat st;
	fill_stat(N(ino), &st);
	fuse_reply_attr(req, &st, TIMEOUT);
}

static void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *a, int to_set, struct fuse_file_info *fi) {
	(void)fi;
	struct node *n = N(ino);
	if (to_set & FUSE_SET_ATTR_SIZE) {
		if (!S_ISREG(n->mode)) { fuse_reply_err(req, S_ISDIR(n->mode) ? EISDIR : EINVAL); return; }
		if (a->st_size > MAX_SIZE) { fuse_reply_err(req, EFBIG); return; }
		file_truncate(n, a->st_size);
		now(&n->mtime);
	}
	if (to_set & FUSE_SET_ATTR_MODE) n->mode = (n->mode & S_IFMT) | (a->st_mode & 07777);
	if (to_set & FUSE_SET_ATTR_UID) n->uid = a->st_uid;
	if (to_set & FUSE_SET_ATTR_GID) n->gid = a->st_gid;
	if (to_set & FUSE_SET_ATTR_ATIME) n->atime = a->st_atim;
	if (to_set & FUSE_SET_ATTR_ATIME_NOW) now(&n->atime);
	if (to_set & FUSE_SET_ATTR_MTIME) n->mtime = a->st_mtim;
	if (to_set & FUSE_SET_ATTR_MTIME_NOW) now(&n->mtime);
	if (to_set & FUSE_SET_ATTR_CTIME) n->ctime = a->st_ctim;
	else now(&n->ctime);
	op_getattr(req, ino, NULL);
}

/* Common checks for a name about to be created in dir p. */
static int new_name_err(struct node *p, const char *name) {
	return !S_ISDIR(p->mode) ? ENOTDIR : strlen(name) > NAME_MAX ? ENAMETOOLONG : 0;
}

static struct node *node_new_in(fuse_req_t req, mode_t mode) {   /* owned by the calling process's user */
	struct node *n = node_new(mode);
	n->uid = fuse_req_ctx(req)->uid, n->gid = fuse_req_ctx(req)->gid;
	return n;
}

static void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode) {
	struct node *p = N(parent);
	int err = new_name_err(p, name);
	if (!err && ent_find(&p->ents[V], name)) err = EEXIST;
	if (err) { fuse_reply_err(req, err); return; }
	struct node *n = node_new_in(req, S_IFDIR | (mode & 07777));
	n->vparent = p;
	ent_set(p, V, name, n);
	touch(p);
	meta_changed(p, name);
	reply_entry(req, n);
}

static void op_remove(fuse_req_t req, fuse_ino_t parent, const char *name, bool dir) {
	struct node *p = N(parent);
	struct ent *e = ent_find(&p->ents[V], name);
	int err = !e ? ENOENT
		: dir && !S_ISDIR(e->n->mode) ? ENOTDIR
		: !dir && S_ISDIR(e->n->mode) ? EISDIR
		: dir && e->n->ents[V].n ? ENOTEMPTY : 0;
	if (err) { fuse_reply_err(req, err); return; }
	now(&e->n->ctime);
	if (dir) e->n->vparent = NULL;
	ent_del(p, V, name);   /* may free the node */
	touch(p);
	meta_changed(p, name);
	fuse_reply_err(req, 0);
}
static void op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name) { op_remove(req, parent, name, false); }
static void op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name) { op_remove(req, parent, name, true); }

/* Hard links: .NET's File.Move(src, dst) without overwrite is link() + unlink() (a copy when link fails). */
static void op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname) {
	struct node *n = N(ino), *p = N(newparent);
	int err = new_name_err(p, newname);
	if (!err && ent_find(&p->ents[V], newname)) err = EEXIST;
	else if (!err && S_ISDIR(n->mode)) err = EPERM;
	if (err) { fuse_reply_err(req, err); return; }
	ent_set(p, V, newname, n);
	now(&n->ctime);
	touch(p);
	meta_changed(p, newname);
	reply_entry(req, n);
}

/* Is dir the node a or somewhere below it in the volatile tree? */
static bool inside(struct node *dir, struct node *a) {
	for (; dir; dir = dir->vparent)
		if (dir == a) return true;
	return false;
}

static void op_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
		      const char *newname, unsigned int flags) {
	struct node *p = N(parent), *np = N(newparent);
	struct ent *se = ent_find(&p->ents[V], name), *de = ent_find(&np->ents[V], newname);
	struct node *s = se ? se->n : NULL, *d = de ? de->n : NULL;
	int err = 0;
	if ((flags & ~(unsigned)(RENAME_NOREPLACE | RENAME_EXCHANGE)) ||
	    ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE)))
		err = EINVAL;
	else if (!(err = new_name_err(np, newname)) && !s) err = ENOENT;
	if (!err && (flags & RENAME_EXCHANGE)) {
		if (!d) err = ENOENT;
		else if ((S_ISDIR(s->mode) && inside(np, s)) || (S_ISDIR(d->mode) && inside(p, d))) err = EINVAL;
		if (err) { fuse_reply_err(req, err); return; }
		se->n = d;   /* each node keeps exactly one volatile name: link counts do not change */
		de->n = s;
		if (S_ISDIR(s->mode)) s->vparent = np;
		if (S_ISDIR(d->mode)) d->vparent = p;
		now(&d->ctime);
	} else if (!err) {
		if (d == s) { fuse_reply_err(req, 0); return; }   /* same entry (or hard links of one file): no-op */
		if (d && (flags & RENAME_NOREPLACE)) err = EEXIST;
		else if (S_ISDIR(s->mode))
			err = inside(np, s) ? EINVAL
				: d && !S_ISDIR(d->mode) ? ENOTDIR : d && d->ents[V].n ? ENOTEMPTY : 0;
		else if (d && S_ISDIR(d->mode)) err = EISDIR;
		if (err) { fuse_reply_err(req, err); return; }
		if (d && S_ISDIR(d->mode)) d->vparent = NULL;
		s->links[V]++;   /* keeps s alive between removing its old name and adding the new one */
		ent_del(p, V, name);
		ent_set(np, V, newname, s);   /* drops (and may free) the replaced target */
		s->links[V]--;
		if (S_ISDIR(s->mode)) s->vparent = np;
	} else { fuse_reply_err(req, err); return; }
	now(&s->ctime);
	touch(p);
	touch(np);
	meta_changed(p, name);
	meta_changed(np, newname);
	fuse_reply_err(req, 0);
}

static void op_open_common(fuse_req_t req, struct node *n, struct fuse_file_info *fi, bool created) {
	if ((fi->flags & O_TRUNC) && (fi->flags & O_ACCMODE) != O_RDONLY && n->c[V].size) {
		file_truncate(n, 0);
		touch(n);
	}
	/* The page cache is kept across opens (see op_init); never direct_io, so shared writable mmap works. */
	fi->keep_cache = 1;
	n->nopen++;
	int rc;
	if (created) {
		struct fuse_entry_param e;
		fill_entry(n, &e);
		n->nlookup++;
		if ((rc = fuse_reply_create(req, &e, fi))) n->nlookup--;
	} else {
		rc = fuse_reply_open(req, fi);
	}
	if (rc) { n->nopen--; maybe_free(n); }
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
	struct node *n = N(ino);
	if (S_ISDIR(n->mode)) fuse_reply_err(req, EISDIR);
	else op_open_common(req, n, fi, false);
}

static void op_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, struct fuse_file_info *fi) {
	struct node *p = N(parent);
	int err = new_name_err(p, name);
	struct ent *e = err ? NULL : ent_find(&p->ents[V], name);
	if (!err && e) err = (fi->flags & O_EXCL) ? EEXIST : S_ISDIR(e->n->mode) ? EISDIR : 0;
	if (err) { fuse_reply_err(req, err); return; }
	struct node *n = e ? e->n : NULL;
	if (!n) {
		n = node_new_in(req, S_IFREG | (mode & 07777));
		ent_set(p, V, name, n);
		touch(p);
		meta_changed(p, name);
	}
	op_open_common(req, n, fi, true);
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi) {
	(void)fi;
	struct content *v = &N(ino)->c[V];
	if (off >= v->size) { fuse_reply_buf(req, NULL, 0); return; }
	size = min_sz(size, (size_t)(v->size - off));
	/* Replies straight from the pages (holes from a shared page of zeros): no copy. */
	struct iovec *iov = xmalloc((size / PAGE + 2) * sizeof *iov);
	size_t cnt = 0;
	for (size_t done = 0; done < size; cnt++) {
		off_t pos = off + (off_t)done;
		size_t i = pos / PAGE, o = pos % PAGE, k = min_sz(PAGE - o, size - done);
		struct page *p = pg_at(v, i);
		iov[cnt].iov_base = (p ? p->b : zeros) + o;
		iov[cnt].iov_len = k;
		done += k;
	}
	fuse_reply_iov(req, iov, (int)cnt);
	free(iov);
}

static void op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
		     struct fuse_file_info *fi) {
	(void)fi;
	struct node *n = N(ino);
	if (off > MAX_SIZE || (off_t)size > MAX_SIZE - off) { fuse_reply_err(req, EFBIG); return; }
	file_write(n, buf, size, off);
	touch(n);
	fuse_reply_write(req, size);
}

static void op_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
	(void)ino, (void)fi;
	fuse_reply_err(req, 0);   /* close() makes nothing durable */
}

static void op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
	(void)fi;
	struct node *n = N(ino);
	n->nopen--;
	maybe_free(n);
	fuse_reply_err(req, 0);
}

static void op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi) {
	(void)datasync, (void)fi;   /* fdatasync = fsync here: sizes are part of the content */
	struct node *n = N(ino);
	if (S_ISREG(n->mode)) file_sync(n);
	g.fsyncs++;
	fuse_reply_err(req, 0);
}

static void op_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off, off_t len, struct fuse_file_info *fi) {
	(void)fi;
	struct node *n = N(ino);
	if (off < 0 || len <= 0) { fuse_reply_err(req, EINVAL); return; }
	if (off > MAX_SIZE || len > MAX_SIZE - off) { fuse_reply_err(req, EFBIG); return; }
	if (mode == 0) {   /* reserve space: grows the file; the new bytes are zeros (holes) */
		if (off + len > n->c[V].size) { n->c[V].size = off + len; touch(n); }
	} else if (mode == (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE)) {
		if (off < n->c[V].size)
			file_write(n, NULL, (size_t)(len < n->c[V].size - off ? len : n->c[V].size - off), off);
		touch(n);
	} else if (mode != FALLOC_FL_KEEP_SIZE) {   /* KEEP_SIZE alone: nothing to reserve in memory */
		fuse_reply_err(req, EOPNOTSUPP); return;
	}
	fuse_reply_err(req, 0);
}

/* readdir works on a snapshot taken when the listing starts (offset 0): removing entries while listing (rm -r)
 * then neither skips nor repeats names. */
struct snap { size_t n; struct { char *name; uint64_t num; mode_t mode; } *e; };

static void snap_add(struct snap *s, const char *name, const struct node *n) {
	s->e[s->n].name = xstrdup(name);
	s->e[s->n].num = n->num;
	s->e[s->n++].mode = n->mode;
}

static void snap_clear(struct snap *s) {
	for (size_t i = 0; i < s->n; i++) free(s->e[i].name);
	free(s->e);
	s->n = 0;
	s->e = NULL;
}

static void op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
	(void)ino;
	struct snap *s = xmalloc(sizeof *s);
	memset(s, 0, sizeof *s);
	fi->fh = (uintptr_t)s;
	if (fuse_reply_open(req, fi)) free(s);
}

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi) {
	struct snap *s = (struct snap *)(uintptr_t)fi->fh;
	struct node *n = N(ino);
	if (off == 0) {
		struct ents *l = &n->ents[V];
		snap_clear(s);
		s->e = xmalloc((l->n + 2) * sizeof *s->e);
		snap_add(s, ".", n);
		snap_add(s, "..", n->vparent ? n->vparent : n);
		for (size_t i = 0; i < l->n; i++) snap_add(s, l->e[i].name, l->e[i].n);
	}
	char *buf = xmalloc(size);
	size_t used = 0;
	for (size_t i = (size_t)off; i < s->n; i++) {
		struct stat st = { .st_ino = s->e[i].num, .st_mode = s->e[i].mode };
		size_t need = fuse_add_direntry(req, buf + used, size - used, s->e[i].name, &st, (off_t)i + 1);
		if (need > size - used) break;
		used += need;
	}
	fuse_reply_buf(req, buf, used);
	free(buf);
}

static void op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
	(void)ino;
	struct snap *s = (struct snap *)(uintptr_t)fi->fh;
	snap_clear(s);
	free(s);
	fuse_reply_err(req, 0);
}

static void op_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi) {
	(void)datasync, (void)fi;
	dir_sync(N(ino));
	g.fsyncdirs++;
	fuse_reply_err(req, 0);
}

static void op_statfs(fuse_req_t req, fuse_ino_t ino) {
	(void)ino;
	struct statvfs sv;   /* the backing filesystem's figures: roughly where the data will go */
	if (statvfs(g.backing, &sv)) memset(&sv, 0, sizeof sv);
	sv.f_namemax = NAME_MAX;
	fuse_reply_statfs(req, &sv);
}

/* Permissions are checked by the kernel (default_permissions). */
static void op_access(fuse_req_t req, fuse_ino_t ino, int mask) { (void)ino, (void)mask; fuse_reply_err(req, 0); }

/* ---- load at start, write back at unmount ---- */

static int load_file(struct node *n, const char *path) {
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) return -1;
	char buf[PAGE];
	off_t off = 0;
	ssize_t r;
	while ((r = pread(fd, buf, PAGE, off)) > 0) {
		if (r < PAGE || memcmp(buf, zeros, PAGE))   /* pages of zeros stay holes */
			file_write(n, buf, (size_t)r, off);
		off += r;
	}
	close(fd);
	if (r < 0) return -1;
	if (off > n->c[V].size) n->c[V].size = off;
	return 0;
}

static int load_dir(struct node *dir, const char *path) {
	DIR *d = opendir(path);
	if (!d) return -1;
	int rc = 0;
	struct dirent *de;
	char cpath[PATH_MAX];
	while (!rc && (de = readdir(d))) {
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
		if ((rc = pathf(cpath, "%s/%s", path, de->d_name)) || (rc = lstat(cpath, &st))) break;
		if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
			fprintf(stderr, "lossyfs: ignoring %s (not a file or directory: dropped at unmount)\n", cpath);
			continue;
		}
		struct node *n = node_new(st.st_mode & (S_IFMT | 07777));
		ent_set(dir, V, de->d_name, n);
		if (S_ISDIR(st.st_mode)) n->vparent = dir;
		rc = S_ISDIR(st.st_mode) ? load_dir(n, cpath) : load_file(n, cpath);
		set_attrs(n, &st);
	}
	if (rc) fprintf(stderr, "lossyfs: cannot load %s: %s\n", cpath, strerror(errno));
	closedir(d);
	return rc;
}

static void set_meta(int fd, const char *path, struct node *n) {
	struct timespec ts[2] = { n->atime, n->mtime };
	if (fd >= 0) {
		if (fchmod(fd, n->mode & 07777) || (geteuid() == 0 && fchown(fd, n->uid, n->gid)) || futimens(fd, ts))
			fprintf(stderr, "lossyfs: cannot set attributes of %s: %s\n", path, strerror(errno));
	} else if (chmod(path, n->mode & 07777) || (geteuid() == 0 && chown(path, n->uid, n->gid)) ||
		   utimensat(AT_FDCWD, path, ts, 0)) {
		fprintf(stderr, "lossyfs: cannot set attributes of %s: %s\n", path, strerror(errno));
	}
}

static int write_file(struct node *n, const char *path) {
	const struct content *d = &n->c[D];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) return -1;
	int rc = 0;
	for (off_t pos = 0; pos < d->size && !rc; pos += PAGE) {
		struct page *p = pg_at(d, pos / PAGE);
		size_t k = min_sz(PAGE, (size_t)(d->size - pos));
		if (p && pwrite(fd, p->b, k, pos) != (ssize_t)k) rc = -1;
	}
	if (!rc && ftruncate(fd, d->size))   /* trailing holes */
		rc = -1;
	if (!rc) set_meta(fd, path, n);
	close(fd);
	return rc;
}

/* Writes dir's durable entries into path (an existing, empty folder). A directory reachable through durable names
 * forming a cycle (possible with lazy metadata after cross-directory renames) is written once on each path. */
static int write_dir(struct node *dir, const char *path) {
	int rc = 0;
	char cpath[PATH_MAX];
	dir->busy = true;
	for (size_t i = 0; i < dir->ents[D].n && !rc; i++) {
		struct ent *e = &dir->ents[D].e[i];
		if ((rc = pathf(cpath, "%s/%s", path, e->name))) {
		} else if (!S_ISDIR(e->n->mode)) {
			rc = write_file(e->n, cpath);
		} else if (e->n->busy) {
			fprintf(stderr, "lossyfs: %s: durable directory cycle, not written\n", cpath);
		} else if (!(rc = mkdir(cpath, 0700))) {
			rc = write_dir(e->n, cpath);
		}
		if (rc) fprintf(stderr, "lossyfs: cannot write %s: %s\n", cpath, strerror(errno));
	}
	dir->busy = false;
	if (!rc) set_meta(-1, path, dir);
	return rc;
}

static int rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}
static void rm_tree(const char *path) { nftw(path, rm_cb, 16, FTW_DEPTH | FTW_PHYS); }

/* The durable tree replaces BACKING_DIR: written into a sibling temp folder, then swapped in, so that a failure
 * (or a crash of the daemon) leaves the previous backing intact. */
static int write_backing(void) {
	char parent[PATH_MAX], tmp[PATH_MAX], old[PATH_MAX];
	const char *slash = strrchr(g.backing, '/'), *base = slash + 1;
	snprintf(parent, sizeof parent, "%.*s", slash == g.backing ? 1 : (int)(slash - g.backing), g.backing);
	if (pathf(tmp, "%s/.%s.lossyfs-new.XXXXXX", parent, base) || !mkdtemp(tmp)) {
		fprintf(stderr, "lossyfs: cannot create a temp folder next to %s: %s\n", g.backing, strerror(errno));
		return -1;
	}
	if (write_dir(g.root, tmp)) {
		rm_tree(tmp);
		fprintf(stderr, "lossyfs: %s left unchanged\n", g.backing);
		return -1;
	}
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, g.backing, RENAME_EXCHANGE) == 0) {
		rm_tree(tmp);   /* now the previous backing */
		return 0;
	}
	/* No RENAME_EXCHANGE on this filesystem: two renames (a crash in between leaves the old tree at "old"). */
	if (pathf(old, "%s/.%s.lossyfs-old.XXXXXX", parent, base) || !mkdtemp(old) || rmdir(old) ||
	    rename(g.backing, old) || rename(tmp, g.backing)) {
		fprintf(stderr, "lossyfs: cannot swap %s into %s: %s\n", tmp, g.backing, strerror(errno));
		return -1;
	}
	rm_tree(old);
	return 0;
}

/* ---- what the cut dropped ---- */

static void mark_reach(struct node *n, int w) {
	bool *m = w == V ? &n->vreach : &n->dreach;
	if (*m) return;
	*m = true;
	for (size_t i = 0; i < n->ents[w].n; i++) mark_reach(n->ents[w].e[i].n, w);
}

/* Bytes that differ between the volatile and durable contents (including a difference in size). */
static uint64_t diff_bytes(const struct node *n) {
	const struct content *v = &n->c[V], *d = &n->c[D];
	off_t lo = v->size < d->size ? v->size : d->size;
	uint64_t diff = (uint64_t)((v->size > d->size ? v->size : d->size) - lo);
	for (size_t i = 0; (off_t)i * PAGE < lo; i++) {
		struct page *a = pg_at(v, i), *b = pg_at(d, i);
		if (a == b) continue;
		size_t k = min_sz(PAGE, (size_t)(lo - (off_t)i * PAGE));
		for (size_t j = 0; j < k; j++) diff += (a ? a->b : zeros)[j] != (b ? b->b : zeros)[j];
	}
	return diff;
}

/* Names of a that b lacks or maps to another node. */
static uint64_t ents_diff(const struct ents *a, const struct ents *b) {
	uint64_t count = 0;
	for (size_t i = 0; i < a->n; i++) {
		struct ent *e = ent_find(b, a->e[i].name);
		count += !e || e->n != a->e[i].n;
	}
	return count;
}

static void report(void) {
	uint64_t files = 0, bytes = 0, entries = 0;
	struct ents none = { 0, 0, NULL };
	for (struct node *n = g.all; n; n = n->next) n->vreach = n->dreach = false;
	mark_reach(g.root, V);
	mark_reach(g.root, D);
	for (struct node *n = g.all; n; n = n->next) {
		if (S_ISREG(n->mode) && n->vreach) {
			uint64_t lost = n->dreach ? diff_bytes(n) : (uint64_t)n->c[V].size;
			files += lost > 0;
			bytes += lost;
		} else if (S_ISDIR(n->mode) && (n->vreach || n->dreach)) {
			const struct ents *a = n->vreach ? &n->ents[V] : &none, *b = n->dreach ? &n->ents[D] : &none;
			entries += ents_diff(a, b);
			for (size_t i = 0; i < b->n; i++) entries += !ent_find(a, b->e[i].name);
		}
	}
	char json[512];
	snprintf(json, sizeof json,
		 "{\"meta\": \"%s\", \"files_with_lost_data\": %llu, \"bytes_lost\": %llu, \"entries_reverted\": %llu, "
		 "\"fsyncs\": %llu, \"fsyncdirs\": %llu}\n",
		 g.eager ? "eager" : "lazy", (unsigned long long)files, (unsigned long long)bytes,
		 (unsigned long long)entries, (unsigned long long)g.fsyncs, (unsigned long long)g.fsyncdirs);
	fprintf(stderr, "lossyfs: power cut: %s", json);
	if (g.stats) {
		FILE *f = fopen(g.stats, "w");
		if (!f || fputs(json, f) < 0 || fclose(f)) {
			fprintf(stderr, "lossyfs: cannot write %s: %s\n", g.stats, strerror(errno));
			g.failed = 1;
		}
	}
}

/* Called by fuse_session_destroy() once the loop has ended (unmount or signal) and the filesystem is unmounted. */
static void op_destroy(void *ud) {
	(void)ud;
	report();
	if (write_backing()) g.failed = 1;
}

static const struct fuse_lowlevel_ops ops = {
	.init = op_init, .destroy = op_destroy, .lookup = op_lookup, .forget = op_forget,
	.forget_multi = op_forget_multi, .getattr = op_getattr, .setattr = op_setattr, .mkdir = op_mkdir,
	.unlink = op_unlink, .rmdir = op_rmdir, .rename = op_rename, .link = op_link, .open = op_open,
	.create = op_create, .read = op_read, .write = op_write, .flush = op_flush, .release = op_release,
	.fsync = op_fsync, .opendir = op_opendir, .readdir = op_readdir, .releasedir = op_releasedir,
	.fsyncdir = op_fsyncdir, .statfs = op_statfs, .access = op_access, .fallocate = op_fallocate,
	/* no getlk/setlk/flock: the kernel then handles fcntl and flock locks itself (they work across processes of
	 * this machine, which is all SQLite needs). */
};

static int usage(void) {
	fprintf(stderr, "usage: lossyfs BACKING_DIR MOUNTPOINT [--meta=lazy|eager] [--stats=FILE] [--debug]\n");
	return 2;
}

int main(int argc, char **argv) {
	const char *pos[2] = { NULL, NULL };
	int npos = 0;
	bool debug = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--meta=lazy")) g.eager = false;
		else if (!strcmp(argv[i], "--meta=eager")) g.eager = true;
		else if (!strncmp(argv[i], "--stats=", 8) && argv[i][8]) g.stats = argv[i] + 8;
		else if (!strcmp(argv[i], "--debug")) debug = true;
		else if (argv[i][0] != '-' && npos < 2) pos[npos++] = argv[i];
		else return usage();
	}
	if (npos != 2) return usage();
	struct stat st;
	if (!(g.backing = realpath(pos[0], NULL)) || stat(g.backing, &st) || !S_ISDIR(st.st_mode) ||
	    !strcmp(g.backing, "/")) {
		fprintf(stderr, "lossyfs: %s is not a usable directory\n", pos[0]);
		return 1;
	}

	g.root = node_new(st.st_mode & (S_IFMT | 07777));
	g.root->links[V] = g.root->links[D] = 1;   /* pinned: never freed */
	if (load_dir(g.root, g.backing)) return 1;
	set_attrs(g.root, &st);
	for (struct node *n = g.all; n; n = n->next) {   /* what was loaded is durable */
		if (S_ISDIR(n->mode)) dir_sync(n);
		else file_sync(n);
	}

	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	fuse_opt_add_arg(&args, argv[0]);
	fuse_opt_add_arg(&args, "-o");
	fuse_opt_add_arg(&args, geteuid() == 0 ? "fsname=lossyfs,subtype=lossyfs,default_permissions,allow_other"
					       : "fsname=lossyfs,subtype=lossyfs,default_permissions");
	if (debug) fuse_opt_add_arg(&args, "-d");
	struct fuse_session *se = fuse_session_new(&args, &ops, sizeof ops, NULL);
	fuse_opt_free_args(&args);
	if (!se) return 1;
	if (fuse_set_signal_handlers(se) || fuse_session_mount(se, pos[1])) { fuse_session_destroy(se); return 1; }
	fprintf(stderr, "lossyfs: %s mounted on %s (meta=%s)\n", g.backing, pos[1], g.eager ? "eager" : "lazy");
	int rc = fuse_session_loop(se);   /* one thread: no locking anywhere */
	fuse_session_unmount(se);
	sigset_t block;   /* no SIGTERM/SIGINT must interrupt the write-out */
	sigfillset(&block);
	sigprocmask(SIG_BLOCK, &block, NULL);
	fuse_remove_signal_handlers(se);
	fuse_session_destroy(se);   /* calls op_destroy: stats, then the durable tree into BACKING_DIR */
	return rc < 0 || g.failed;
}

