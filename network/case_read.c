/* case_read.c: reading a case file (see dh_case.h): the public entry points.
 *
 * Exports: dh_case_read, dh_case_read_string, dh_case_destroy (dh_case.h); case_load_file
 * (case_internal.h, also used for CSV tables). Called by the `dhsim` subcommands, the tests and
 * the fuzzer.
 *
 * The pipeline: bytes (checked to be a text file) -> SHA-256 -> YAML tree (case_yaml.c) ->
 * CSV tables expanded (case_csv.c) -> --set overrides (case_yaml.c) -> schema, units and the
 * network builder (case_build.c). Every problem is collected in the caller's dh_diag; the
 * reader fails once, at the end, with the code of the first problem.
 */
#include "case_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reports binary data at the first NUL byte (as line:col). */
/* Line and column (1-based, in characters) of byte `at` of buf. */
static void text_position(const char *buf, const char *at, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (const char *p = buf; p < at; p++) {
        if (*p == '\n')
            ++*line, *col = 1;
        else if (((unsigned char)*p & 0xC0) != 0x80)
            ++*col;
    }
}

static void report_binary(case_ctx *ctx, const char *file, const char *buf, size_t len,
                          const char *nul)
{
    const unsigned char *u = (const unsigned char *)buf;
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        dh_srcpos at = {file, 1, 1};
        case_error(ctx, DH_ERR_IO, &at, NULL,
                   "the file is UTF-16 text: save it as UTF-8");
        return;
    }
    int line, col;
    text_position(buf, nul, &line, &col);
    dh_srcpos bin = {file, line, col};
    case_error(ctx, DH_ERR_IO, &bin, NULL, "not a text file (binary data: a NUL byte)");
}

/* First byte of buf that is not well-formed UTF-8 (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF), or NULL. */
static const char *find_bad_utf8(const char *buf, size_t len)
{
    const unsigned char *s = (const unsigned char *)buf, *end = s + len;
    while (s < end) {
        unsigned c = *s;
        size_t n;
        unsigned lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            s++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else {
            return (const char *)s;
        }
        if ((size_t)(end - s) <= n) return (const char *)s;
        if (s[1] < lo || s[1] > hi) return (const char *)s;
        for (size_t k = 2; k <= n; k++)
            if ((s[k] & 0xC0) != 0x80) return (const char *)s;
        s += n + 1;
    }
    return NULL;
}

/* Rejects text that is not UTF-8 (libfyaml, and the CSV reader, expect UTF-8; a Latin-1, GBK
 * or Windows-1252 export would otherwise give misleading errors). Returns true when valid. */
static bool check_utf8(case_ctx *ctx, const char *file, const char *buf, size_t len)
{
    const char *bad = find_bad_utf8(buf, len);
    if (!bad) return true;
    int line, col;
    text_position(buf, bad, &line, &col);
    dh_srcpos at = {file, line, col};
    case_error(ctx, DH_ERR_IO, &at, NULL,
               "not UTF-8 text (byte 0x%02X): is the file in GBK, Latin-1 or Windows-1252? "
               "save it as UTF-8",
               (unsigned)(unsigned char)*bad);
    return false;
}

char *case_load_file(case_ctx *ctx, const char *path, const dh_srcpos *pos, const char *what,
                     size_t *len)
{
    /* errors about the main file point at the file; about a CSV table, at its reference */
    dh_srcpos at = {path, 0, 0};
    const dh_srcpos *where = pos ? pos : &at;
    char label[DH_ERROR_MSG_MAX / 2];
    if (pos)
        snprintf(label, sizeof label, "%s '%s'", what, path);
    else
        snprintf(label, sizeof label, "%s", what);
    /* O_NONBLOCK: opening a FIFO must not hang; regular files ignore the flag */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        case_error(ctx, DH_ERR_IO, where, NULL, "cannot open %s: %s", label, strerror(errno));
        return NULL;
    }
    struct stat st;
    char *buf = NULL;
    if (fstat(fd, &st) != 0) {
        case_error(ctx, DH_ERR_IO, where, NULL, "cannot read %s: %s", label, strerror(errno));
        goto fail;
    }
    if (S_ISDIR(st.st_mode)) {
        case_error(ctx, DH_ERR_IO, where, NULL, "%s is a directory, not a file", label);
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        case_error(ctx, DH_ERR_IO, where, NULL, "%s is not a regular file", label);
        goto fail;
    }
    if ((unsigned long long)st.st_size > CASE_MAX_FILE_BYTES) {
        case_error(ctx, DH_ERR_IO, where, NULL, "%s is too large (%lld bytes; at most %u)", label,
                   (long long)st.st_size, CASE_MAX_FILE_BYTES);
        goto fail;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    buf = malloc(cap + 1);
    if (!buf) goto nomem;
    for (;;) {
        if (n == cap) { /* the file grew while being read */
            if (cap >= CASE_MAX_FILE_BYTES) {
                case_error(ctx, DH_ERR_IO, where, NULL, "%s is too large", label);
                goto fail;
            }
            char *nb = realloc(buf, 2 * cap + 1);
            if (!nb) goto nomem;
            buf = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            case_error(ctx, DH_ERR_IO, where, NULL, "cannot read %s: %s", label, strerror(errno));
            goto fail;
        }
        if (r == 0) break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = '\0';
    const char *nul = memchr(buf, '\0', n);
    if (nul) {
        report_binary(ctx, path, buf, n, nul);
        free(buf);
        return NULL;
    }
    if (!check_utf8(ctx, path, buf, n)) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
nomem:
    case_error(ctx, DH_ERR_NOMEM, where, NULL, "out of memory reading %s", label);
fail:
    free(buf);
    close(fd);
    return NULL;
}

static void sha256_hex(const char *text, size_t len, char hex[65])
{
    struct sha256_ctx h;
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_init(&h);
    sha256_update(&h, len, (const uint8_t *)text);
    sha256_digest(&h, sizeof d, d);
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof d; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[64] = '\0';
}

void dh_case_destroy(dh_case **pc)
{
    if (!pc || !*pc) return;
    dh_case *c = *pc;
    dh_network_destroy(&c->net);
    dh_sweep_spec_destroy(&c->sweep);
    free(c->path);
    free(c->name);
    free(c);
    *pc = NULL;
}

/* Sets up the context for the case `name` (a path: its directory holds the CSV tables). */
static dh_status ctx_init(case_ctx *ctx, const char *name, const dh_units *units,
                          dh_units **owned, dh_diag *diag)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->diag = diag;
    ctx->p_atm = 101325.0;
    ctx->alias_left = CASE_ALIAS_BUDGET;
    ctx->arena = case_arena_create();
    if (!ctx->arena) {
        dh_diag_report(diag, DH_ERR_NOMEM, NULL, NULL, "out of memory reading the case");
        return DH_ERR_NOMEM;
    }
    ctx->file = case_intern_file(ctx, name);
    const char *slash = strrchr(name, '/');
    ctx->dir = slash ? case_arena_strndup(ctx->arena, name, slash == name ? 1 : (size_t)(slash - name))
                     : case_intern_file(ctx, "");
    if (!ctx->file || !ctx->dir) {
        dh_diag_report(diag, DH_ERR_NOMEM, NULL, NULL, "out of memory reading the case");
        return DH_ERR_NOMEM;
    }
    ctx->units = units;
    if (!units) {
        dh_error e;
        dh_error_clear(&e);
        if (dh_units_create(owned, &e) != DH_OK) {
            case_error_rec(ctx, &e, NULL, "cannot load the unit database (udunits2)");
            return ctx->first;
        }
        ctx->units = *owned;
    }
    return DH_OK;
}

static dh_status read_text(const char *text, size_t len, const char *name,
                           const char *const *overrides, size_t n_overrides,
                           const dh_units *units, dh_case **out, dh_diag *diag,
                           const char *loaded_path)
{
    *out = NULL;
    if (!name) name = "<string>";
    case_ctx ctx;
    dh_units *owned = NULL;
    dh_case *c = NULL;
    dh_status st = ctx_init(&ctx, name, units, &owned, diag);
    if (st != DH_OK) goto done;
    const char *nul = !loaded_path && text ? memchr(text, '\0', len) : NULL;
    if (nul) {
        report_binary(&ctx, ctx.file, text, len, nul);
        goto done;
    }
    if (!loaded_path && text && !check_utf8(&ctx, ctx.file, text, len)) goto done;
    c = calloc(1, sizeof *c);
    if (!c || !(c->path = strdup(name))) {
        case_error(&ctx, DH_ERR_NOMEM, NULL, NULL, "out of memory reading the case");
        goto done;
    }
    sha256_hex(text ? text : "", text ? len : 0, c->sha256);
    cv_node *root = case_yaml_parse(&ctx, text ? text : "", text ? len : 0);
    if (!root) goto done;
    case_csv_expand(&ctx, root);
    if (root->kind == CV_MAP) case_apply_overrides(&ctx, root, overrides, n_overrides);
    st = case_build(&ctx, root, c);
done:
    if (ctx.n_errors > 0 || st != DH_OK || !c || !c->net) {
        if (st == DH_OK) st = ctx.first != DH_OK ? ctx.first : DH_ERR_INPUT;
        dh_case_destroy(&c);
    } else {
        *out = c;
    }
    dh_units_destroy(&owned);
    case_arena_destroy(&ctx.arena);
    return st;
}

dh_status dh_case_read_string(const char *text, size_t len, const char *name,
                              const char *const *overrides, size_t n_overrides,
                              const dh_units *units, dh_case **out, dh_diag *diag)
{
    return read_text(text, len, name, overrides, n_overrides, units, out, diag, NULL);
}

dh_status dh_case_read(const char *path, const char *const *overrides, size_t n_overrides,
                       dh_case **out, dh_diag *diag)
{
    *out = NULL;
    if (!path || !path[0]) {
        dh_diag_report(diag, DH_ERR_USAGE, NULL, NULL, "no case file given");
        return DH_ERR_USAGE;
    }
    case_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.diag = diag;
    ctx.arena = case_arena_create();
    if (!ctx.arena) {
        dh_diag_report(diag, DH_ERR_NOMEM, NULL, NULL, "out of memory reading the case");
        return DH_ERR_NOMEM;
    }
    size_t len = 0;
    char *text = case_load_file(&ctx, path, NULL, "the case file", &len);
    dh_status st = ctx.first;
    case_arena_destroy(&ctx.arena);
    if (!text) return st != DH_OK ? st : DH_ERR_IO;
    st = read_text(text, len, path, overrides, n_overrides, NULL, out, diag, path);
    free(text);
    return st;
}
