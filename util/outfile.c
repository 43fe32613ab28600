/*
 * outfile.c — every file the library or a front end writes goes through here: a temporary file
 * in the target's directory renamed over the target, never through a symbolic link, special
 * files written in place, permissions and ownership of an existing file kept, never over one
 * of the command's inputs, and no temporary left behind by a signal.
 *
 * Why each rule:
 * - temp + rename(2) in the same directory (same file system) makes the new content appear all
 *   at once or not at all: a crash, a full disk or a bad unit leaves the old file as it was.
 * - Everything happens relative to a descriptor of the target's directory (openat, fstatat,
 *   renameat), so a directory swapped during the write cannot redirect it, and the temporary is
 *   created with O_EXCL|O_NOFOLLOW. A symbolic link at the target is refused rather than
 *   followed: whoever owns the link (another user, in a folder root writes into) would choose
 *   what gets replaced. rename(2) itself never follows a link, so a link planted after the check
 *   is replaced, not followed.
 * - A device node or FIFO is not a file to replace (root replacing /dev/null with a regular file
 *   breaks the system; a FIFO's reader would get nothing): it is opened without O_CREAT or
 *   O_TRUNC and O_NOFOLLOW, then checked with fstat, and written in place.
 * - The temporary is 0600 while it is written (it may hold a private file's content); at commit
 *   it takes the old file's mode and, where permitted, owner and group; group bits are dropped
 *   when the group cannot be kept, so no other group gains access. A new file gets the mode
 *   open(2) would give it (0666 minus the umask, read from the kernel's own answer rather than
 *   from umask(2), which is process-wide and racy).
 * - Inputs and outputs are compared by device and inode (jisr_fileset), so a hard link, a
 *   second name or a "./" prefix is recognised as the same file.
 * - Temporaries are listed in a lock-free table of fixed slots (directory descriptor + name),
 *   which a signal handler can walk with nothing but atomic loads and unlinkat(2).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"
#include "util/util_int.h"

/* ---- the table of live temporaries ------------------------------------------------------- */

#define TMP_SLOTS 64
#define TMP_NAME_MAX 4096
#define TMP_BASE_MAX 200 /* a temporary's name keeps this much of its target's */

enum { SLOT_FREE, SLOT_FILLING, SLOT_LIVE };

static struct tmp_slot {
    atomic_int state;
    int dirfd;
    char name[TMP_NAME_MAX];
} tmp_slots[TMP_SLOTS];

int jisr_tmp_register(int dirfd, const char *name)
{
    size_t n = strlen(name);
    if (n >= TMP_NAME_MAX)
        return -1;
    for (int i = 0; i < TMP_SLOTS; i++) {
        int expect = SLOT_FREE;
        if (!atomic_compare_exchange_strong(&tmp_slots[i].state, &expect, SLOT_FILLING))
            continue;
        tmp_slots[i].dirfd = dirfd;
        memcpy(tmp_slots[i].name, name, n + 1);
        atomic_store(&tmp_slots[i].state, SLOT_LIVE);
        return i;
    }
    return -1;
}

void jisr_tmp_unregister(int slot)
{
    if (slot >= 0 && slot < TMP_SLOTS)
        atomic_store(&tmp_slots[slot].state, SLOT_FREE);
}

void jisr_outfile_remove_temporaries(void)
{
    for (int i = 0; i < TMP_SLOTS; i++)
        if (atomic_load(&tmp_slots[i].state) == SLOT_LIVE)
            unlinkat(tmp_slots[i].dirfd, tmp_slots[i].name, 0);
}

/* ---- file sets ----------------------------------------------------------------------------- */

typedef struct fs_entry {
    dev_t dev;
    ino_t ino;
    int output;
    char *name; /* NULL: the file (dev, ino); else an output's name in directory (dev, ino) */
} fs_entry;

struct jisr_fileset {
    pthread_mutex_t mu;
    fs_entry *v;
    size_t n, cap;
    size_t *outs; /* indices in v of the outputs (a few, among maybe many inputs) */
    size_t nouts, capouts;
};

int jisr_fileset_new(jisr_fileset **out)
{
    if (!out)
        return jisr_null_arg("jisr_fileset_new", "out");
    *out = calloc(1, sizeof **out);
    if (!*out)
        return jisr_oom(sizeof **out);
    pthread_mutex_init(&(*out)->mu, NULL);
    return 0;
}

void jisr_fileset_free(jisr_fileset *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i].name);
    free(s->v);
    free(s->outs);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

/* The entry matching (dev, ino, name), or NULL; the caller holds the lock. */
static fs_entry *fs_find(jisr_fileset *s, dev_t dev, ino_t ino, const char *name)
{
    for (size_t i = 0; i < s->n; i++) {
        fs_entry *e = &s->v[i];
        if (e->dev == dev && e->ino == ino && (e->name == NULL) == (name == NULL) &&
            (!name || strcmp(e->name, name) == 0))
            return e;
    }
    return NULL;
}

static int fs_add(jisr_fileset *s, dev_t dev, ino_t ino, const char *name, int output)
{
    int rc = 0;
    pthread_mutex_lock(&s->mu);
    if (fs_find(s, dev, ino, name))
        goto done;
    if ((rc = JISR_GROW(s->v, s->cap, s->n + 1)) < 0 ||
        (output && (rc = JISR_GROW(s->outs, s->capouts, s->nouts + 1)) < 0))
        goto done;
    fs_entry *e = &s->v[s->n];
    e->dev = dev;
    e->ino = ino;
    e->output = output;
    e->name = NULL;
    if (name && !(e->name = jisr_strdup(name))) {
        rc = jisr_oom(0);
        goto done;
    }
    if (output)
        s->outs[s->nouts++] = s->n;
    s->n++;
done:
    pthread_mutex_unlock(&s->mu);
    return rc;
}

int jisr_fileset_add_fd(jisr_fileset *s, int fd)
{
    struct stat st;
    if (!s || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return 0; /* pipes, terminals and devices cannot be replaced by an output */
    return fs_add(s, st.st_dev, st.st_ino, NULL, 0);
}

int jisr_fileset_add_input(jisr_fileset *s, const char *path)
{
    struct stat st;
    if (!s || !path)
        return 0;
    if (strcmp(path, "-") == 0)
        return jisr_fileset_add_fd(s, 0);
    if (stat(path, &st) != 0)
        return 0; /* a missing file is the reader's error to report */
    if (S_ISREG(st.st_mode))
        return fs_add(s, st.st_dev, st.st_ino, NULL, 0);
    if (!S_ISDIR(st.st_mode))
        return 0;
    /* a directory read as a whole (a memory): every regular file directly inside it */
    int rc = 0;
    DIR *d = opendir(path);
    if (!d)
        return 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        struct stat fst;
        if (fstatat(dirfd(d), e->d_name, &fst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(fst.st_mode))
            rc = fs_add(s, fst.st_dev, fst.st_ino, NULL, 0);
    }
    closedir(d);
    return rc;
}

int jisr_fileset_contains(jisr_fileset *s, const char *path)
{
    struct stat st;
    if (!s || !path || stat(path, &st) != 0)
        return 0;
    pthread_mutex_lock(&s->mu);
    int found = fs_find(s, st.st_dev, st.st_ino, NULL) != NULL;
    pthread_mutex_unlock(&s->mu);
    return found;
}

/* Whether name is "BASE.tmp.XXXXXX", the temporary tmp_name makes beside base. */
static int is_temporary_of(const char *name, const char *base)
{
    size_t n = strlen(base);
    if (n > TMP_BASE_MAX)
        n = TMP_BASE_MAX;
    if (strncmp(name, base, n) != 0 || strncmp(name + n, ".tmp.", 5) != 0)
        return 0;
    const char *x = name + n + 5;
    return strlen(x) == 6 &&
           strspn(x, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") == 6;
}

int jisr_fileset_is_output(jisr_fileset *s, const char *path)
{
    struct stat st, dst;
    if (!s || !path || strcmp(path, "-") == 0)
        return 0;
    /* the directory, and the name in it (as jisr_outfile_open records an output) */
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    jisr_buf dir = {0};
    int have_dir = 0;
    if (*base &&
        jisr_buf_append(&dir, slash ? path : ".", slash ? (size_t)(slash - path) : 1) == 0 &&
        (slash != path || jisr_buf_puts(&dir, "/") == 0))
        have_dir = stat(dir.data, &dst) == 0 && S_ISDIR(dst.st_mode);
    jisr_buf_free(&dir);
    int have_file = stat(path, &st) == 0;
    int role = 0;
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; role != 1 && i < s->nouts; i++) { /* the outputs only */
        const fs_entry *e = &s->v[s->outs[i]];
        if (!e->name && have_file && e->dev == st.st_dev && e->ino == st.st_ino)
            role = 1; /* the file */
        else if (e->name && have_dir && e->dev == dst.st_dev && e->ino == dst.st_ino)
            role = strcmp(e->name, base) == 0       ? 1 /* the name it takes */
                   : is_temporary_of(base, e->name) ? 2
                                                    : role;
    }
    pthread_mutex_unlock(&s->mu);
    return role;
}

/* 1 = input, 2 = output, 0 = not in the set */
static int fs_role(jisr_fileset *s, dev_t dev, ino_t ino, const char *name)
{
    if (!s)
        return 0;
    pthread_mutex_lock(&s->mu);
    fs_entry *e = fs_find(s, dev, ino, name);
    int role = e ? (e->output ? 2 : 1) : 0;
    pthread_mutex_unlock(&s->mu);
    return role;
}

/* ---- output files ------------------------------------------------------------------------- */

enum { OUT_STREAM, OUT_SPECIAL, OUT_TEMP };

struct jisr_outfile {
    int kind;
    char *path;
    FILE *f;
    int dirfd;
    char *base, *tmp;
    int slot;
    mode_t newmode; /* mode of a new file: what open(2) gave the temporary */
    unsigned flags;
};

static void outfile_free(jisr_outfile *o)
{
    if (o->dirfd >= 0)
        close(o->dirfd);
    free(o->path);
    free(o->base);
    free(o->tmp);
    free(o);
}

/* "/dev/stdout", "/dev/stderr", "/dev/fd/N", "/proc/self/fd/N": the descriptor N, else -1. */
static int own_descriptor(const char *path)
{
    if (strcmp(path, "/dev/stdout") == 0)
        return 1;
    if (strcmp(path, "/dev/stderr") == 0)
        return 2;
    const char *p = NULL;
    if (strncmp(path, "/dev/fd/", 8) == 0)
        p = path + 8;
    else if (strncmp(path, "/proc/self/fd/", 14) == 0)
        p = path + 14;
    if (!p || !*p || strlen(p) > 6 || strspn(p, "0123456789") != strlen(p))
        return -1;
    return atoi(p);
}

/* A fresh temporary name beside base: "BASE.tmp.XXXXXX", BASE shortened to stay within
 * NAME_MAX. */
static int tmp_name(jisr_buf *b, const char *base)
{
    static atomic_uint_fast64_t counter;
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ ((uint64_t)getpid() << 40) ^
                 atomic_fetch_add(&counter, 0x9E3779B97F4A7C15u);
    /* splitmix64: spread every bit of the seed over the six characters */
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9u;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBu;
    x ^= x >> 31;
    size_t n = strlen(base);
    if (n > TMP_BASE_MAX)
        n = TMP_BASE_MAX;
    jisr_buf_reset(b);
    if (jisr_buf_append(b, base, n) < 0 || jisr_buf_puts(b, ".tmp.") < 0)
        return JISR_ENOMEM;
    for (int i = 0; i < 6; i++, x /= 62)
        if (jisr_buf_putc(b, digits[x % 62]) < 0)
            return JISR_ENOMEM;
    return 0;
}

static int open_stream(jisr_outfile *o, int fd)
{
    if (fd == 1) {
        o->f = stdout;
        return 0;
    }
    if (fd == 2) {
        o->f = stderr;
        return 0;
    }
    int d = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (d < 0)
        return jisr_error_set(JISR_EIO, o->path, 0, 0, "cannot write: %s", strerror(errno));
    if (!(o->f = fdopen(d, "wb"))) {
        close(d);
        return jisr_error_set(JISR_EIO, o->path, 0, 0, "cannot write: %s", strerror(errno));
    }
    o->kind = OUT_SPECIAL;
    return 0;
}

/* Open the special file base (device, FIFO) in place: 1 when the path turned out to be a
 * regular file after all (the caller starts over), 0 on success, <0 on error. */
static int open_special(jisr_outfile *o)
{
    int fd = openat(o->dirfd, o->base, O_WRONLY | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (e == ELOOP)
            return jisr_error_set(JISR_EINVAL, o->path, 0, 0,
                                  "is a symbolic link: jisr does not write through links "
                                  "(name the file itself)");
        return jisr_error_set(JISR_EIO, o->path, 0, 0, "cannot open: %s", strerror(e));
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
        close(fd);
        return 1; /* replaced while we looked: start over */
    }
    if (!(o->f = fdopen(fd, "wb"))) {
        close(fd);
        return jisr_error_set(JISR_EIO, o->path, 0, 0, "cannot write: %s", strerror(errno));
    }
    o->kind = OUT_SPECIAL;
    return 0;
}

static int open_temp(jisr_outfile *o)
{
    jisr_buf b = {0};
    int fd = -1, rc = 0;
    for (int tries = 0; fd < 0; tries++) {
        if ((rc = tmp_name(&b, o->base)) < 0)
            goto done;
        if (o->slot < 0)
            o->slot = jisr_tmp_register(o->dirfd, b.data);
        else {
            jisr_tmp_unregister(o->slot);
            o->slot = jisr_tmp_register(o->dirfd, b.data);
        }
        fd = openat(o->dirfd, b.data, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0 && (errno != EEXIST || tries > 100)) {
            rc = jisr_error_set(JISR_EIO, o->path, 0, 0,
                                "cannot create a temporary file beside it: %s", strerror(errno));
            goto done;
        }
    }
    struct stat st;
    if (fstat(fd, &st) == 0)
        o->newmode = st.st_mode & 0777; /* 0666 minus the umask, as the kernel applied it */
    else
        o->newmode = 0644;
    if (fchmod(fd, 0600) != 0) {
        rc = jisr_error_set(JISR_EIO, o->path, 0, 0, "cannot set the temporary's mode: %s",
                            strerror(errno));
        goto done;
    }
    if (!(o->f = fdopen(fd, "wb"))) {
        rc = jisr_error_set(JISR_EIO, o->path, 0, 0, "cannot write: %s", strerror(errno));
        goto done;
    }
    fd = -1;
    o->tmp = b.data;
    b.data = NULL;
    o->kind = OUT_TEMP;
done:
    if (fd >= 0) {
        close(fd);
        unlinkat(o->dirfd, b.data, 0);
    }
    if (rc < 0) {
        jisr_tmp_unregister(o->slot);
        o->slot = -1;
    }
    jisr_buf_free(&b);
    return rc;
}

int jisr_outfile_open(jisr_outfile **out, const char *path, const jisr_outfile_opts *opts)
{
    if (!out)
        return jisr_null_arg("jisr_outfile_open", "out");
    *out = NULL;
    if (!path)
        return jisr_null_arg("jisr_outfile_open", "path");
    if (!*path)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "no output file");
    jisr_fileset *files = opts ? opts->files : NULL;
    jisr_outfile *o = calloc(1, sizeof *o);
    if (!o)
        return jisr_oom(sizeof *o);
    o->dirfd = -1;
    o->slot = -1;
    o->flags = opts ? opts->flags : 0;
    int rc = 0;
    if (!(o->path = jisr_strdup(strcmp(path, "-") == 0 ? "<stdout>" : path))) {
        rc = JISR_ENOMEM;
        goto fail;
    }
    o->kind = OUT_STREAM;
    if (strcmp(path, "-") == 0) {
        o->f = stdout;
        *out = o;
        return 0;
    }
    int own = own_descriptor(path);
    if (own >= 0) {
        if ((rc = open_stream(o, own)) < 0)
            goto fail;
        *out = o;
        return 0;
    }

    /* the directory, and the name in it */
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        rc = jisr_error_set(JISR_EINVAL, path, 0, 0, "is a directory, not a file");
        goto fail;
    }
    jisr_buf dir = {0};
    if (jisr_buf_append(&dir, slash ? path : ".", slash ? (size_t)(slash - path) : 1) < 0 ||
        (slash == path && jisr_buf_puts(&dir, "/") < 0) || !(o->base = jisr_strdup(base))) {
        jisr_buf_free(&dir);
        rc = JISR_ENOMEM;
        goto fail;
    }
    o->dirfd = open(dir.data, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (o->dirfd < 0) {
        rc = jisr_error_set(JISR_EIO, path, 0, 0, "cannot open its directory %s: %s", dir.data,
                            strerror(errno));
        jisr_buf_free(&dir);
        goto fail;
    }
    jisr_buf_free(&dir);
    struct stat dst;
    if (fstat(o->dirfd, &dst) != 0) {
        rc = jisr_error_set(JISR_EIO, path, 0, 0, "cannot stat its directory: %s", strerror(errno));
        goto fail;
    }

    for (int tries = 0;; tries++) {
        struct stat st;
        int exists = fstatat(o->dirfd, o->base, &st, AT_SYMLINK_NOFOLLOW) == 0;
        if (!exists && errno != ENOENT) {
            rc = jisr_error_set(JISR_EIO, path, 0, 0, "cannot stat: %s", strerror(errno));
            goto fail;
        }
        if (exists && S_ISLNK(st.st_mode)) {
            rc = jisr_error_set(JISR_EINVAL, path, 0, 0,
                                "is a symbolic link: jisr does not write through links (name the "
                                "file itself)");
            goto fail;
        }
        if (exists && S_ISDIR(st.st_mode)) {
            rc = jisr_error_set(JISR_EINVAL, path, 0, 0, "is a directory, not a file");
            goto fail;
        }
        if (exists && S_ISSOCK(st.st_mode)) {
            rc = jisr_error_set(JISR_EINVAL, path, 0, 0, "is a socket, not a file");
            goto fail;
        }
        if (exists && !S_ISREG(st.st_mode)) {
            rc = open_special(o);
            if (rc == 1 && tries < 3)
                continue;
            if (rc == 1)
                rc = jisr_error_set(JISR_EIO, path, 0, 0, "keeps changing while it is opened");
            if (rc < 0)
                goto fail;
            *out = o;
            return 0;
        }
        if (exists) {
            int role = fs_role(files, st.st_dev, st.st_ino, NULL);
            if (role) {
                rc = jisr_error_set(JISR_EINVAL, path, 0, 0,
                                    role == 1 ? "is one of this command's inputs: it would be "
                                                "overwritten (choose another output file)"
                                              : "is already one of this command's outputs");
                goto fail;
            }
            if (faccessat(o->dirfd, o->base, W_OK, AT_EACCESS) != 0 && errno == EACCES) {
                rc = jisr_error_set(JISR_EIO, path, 0, 0, "cannot write: permission denied");
                goto fail;
            }
        }
        if (fs_role(files, dst.st_dev, dst.st_ino, o->base)) {
            rc =
                jisr_error_set(JISR_EINVAL, path, 0, 0, "is already one of this command's outputs");
            goto fail;
        }
        if ((rc = open_temp(o)) < 0)
            goto fail;
        if (files && ((rc = fs_add(files, dst.st_dev, dst.st_ino, o->base, 1)) < 0 ||
                      (exists && (rc = fs_add(files, st.st_dev, st.st_ino, NULL, 1)) < 0)))
            goto fail;
        *out = o;
        return 0;
    }
fail:
    jisr_outfile_abort(o);
    return rc;
}

FILE *jisr_outfile_stream(const jisr_outfile *o)
{
    return o ? o->f : NULL;
}

const char *jisr_outfile_path(const jisr_outfile *o)
{
    return o ? o->path : "";
}

/* The mode, owner and group of the file being replaced, given to the temporary on fd. */
static int keep_attributes(jisr_outfile *o, int fd)
{
    struct stat old, me;
    mode_t mode = o->newmode;
    if (fstatat(o->dirfd, o->base, &old, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(old.st_mode) &&
        fstat(fd, &me) == 0) {
        mode = old.st_mode & 07777;
        if (old.st_uid != me.st_uid || old.st_gid != me.st_gid) {
            if (fchown(fd, old.st_uid, old.st_gid) != 0 && fchown(fd, (uid_t)-1, old.st_gid) != 0)
                mode &= ~(mode_t)(S_IRWXG | S_ISGID); /* the group could not be kept */
            if (old.st_uid != me.st_uid && fstat(fd, &me) == 0 && me.st_uid != old.st_uid)
                mode &= ~(mode_t)S_ISUID; /* a set-user-id bit for the wrong user */
        }
    }
    if (fchmod(fd, mode) != 0)
        return jisr_error_set(JISR_EIO, o->path, 0, 0, "cannot set the mode: %s", strerror(errno));
    return 0;
}

int jisr_outfile_commit(jisr_outfile *o)
{
    if (!o)
        return 0;
    int rc = 0;
    FILE *f = o->f;
    o->f = NULL;
    if (fflush(f) != 0 || ferror(f))
        rc = jisr_error_set(JISR_EIO, o->path, 0, 0, "write failed: %s", strerror(errno));
    if (o->kind == OUT_STREAM) { /* standard output or error: flushed, never closed */
        outfile_free(o);
        return rc;
    }
    if (o->kind == OUT_TEMP && rc == 0) {
        int fd = fileno(f);
        if (!(o->flags & JISR_OUT_NOSYNC) && fsync(fd) != 0 && errno != EINVAL)
            rc = jisr_error_set(JISR_EIO, o->path, 0, 0, "write failed: %s", strerror(errno));
        if (rc == 0)
            rc = keep_attributes(o, fd);
    }
    if (fclose(f) != 0 && rc == 0)
        rc = jisr_error_set(JISR_EIO, o->path, 0, 0, "write failed: %s", strerror(errno));
    if (o->kind == OUT_TEMP) {
        if (rc == 0 && renameat(o->dirfd, o->tmp, o->dirfd, o->base) != 0)
            rc = jisr_error_set(JISR_EIO, o->path, 0, 0, "cannot rename the temporary file: %s",
                                strerror(errno));
        if (rc < 0)
            unlinkat(o->dirfd, o->tmp, 0);
        else if (!(o->flags & JISR_OUT_NOSYNC))
            fsync(o->dirfd); /* the rename itself survives a power loss */
        jisr_tmp_unregister(o->slot);
    }
    outfile_free(o);
    return rc;
}

void jisr_outfile_abort(jisr_outfile *o)
{
    if (!o)
        return;
    if (o->f && o->kind == OUT_STREAM)
        fflush(o->f);
    else if (o->f)
        fclose(o->f);
    if (o->tmp) {
        unlinkat(o->dirfd, o->tmp, 0);
        jisr_tmp_unregister(o->slot);
    }
    outfile_free(o);
}
