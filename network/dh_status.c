/* dh_status.c: the error table, the error record and the error list (see dh_status.h). */
#include "dh_status.h"

#include <stdlib.h>
#include <string.h>

const char *dh_status_text(dh_status code)
{
    switch (code) {
#define DH_STATUS_CASE(name, value, text)                                                      \
    case name:                                                                                 \
        return text;
        DH_STATUS_TABLE(DH_STATUS_CASE)
#undef DH_STATUS_CASE
    }
    return "unknown status";
}

void dh_error_clear(dh_error *err)
{
    if (err) memset(err, 0, sizeof *err);
}

static void copy_trunc(char *dst, size_t size, const char *src)
{
    if (!src) src = "";
    size_t n = strlen(src);
    if (n >= size) n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

dh_status dh_error_setv(dh_error *err, dh_status code, const dh_srcpos *pos,
                        const char *component, const char *fmt, va_list ap)
{
    if (!err) return code;
    err->code = code;
    copy_trunc(err->file, sizeof err->file, pos ? pos->file : NULL);
    err->line = pos ? pos->line : 0;
    err->col = pos ? pos->col : 0;
    copy_trunc(err->component, sizeof err->component, component);
    if (fmt)
        vsnprintf(err->message, sizeof err->message, fmt, ap);
    else
        copy_trunc(err->message, sizeof err->message, dh_status_text(code));
    return code;
}

dh_status dh_error_set(dh_error *err, dh_status code, const dh_srcpos *pos, const char *component,
                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dh_status s = dh_error_setv(err, code, pos, component, fmt, ap);
    va_end(ap);
    return s;
}

char *dh_error_format(const dh_error *err, char *buf, size_t size)
{
    if (!buf || size == 0) return buf;
    buf[0] = '\0';
    if (!err) return buf;
    size_t off = 0;
#define APPEND(...)                                                                            \
    do {                                                                                       \
        if (off < size) {                                                                      \
            int n_ = snprintf(buf + off, size - off, __VA_ARGS__);                             \
            if (n_ > 0) off += (size_t)n_;                                                     \
        }                                                                                      \
    } while (0)
    if (err->file[0]) {
        APPEND("%s:", err->file);
        if (err->line > 0) APPEND("%d:", err->line);
        if (err->line > 0 && err->col > 0) APPEND("%d:", err->col);
        APPEND(" ");
    }
    APPEND("error: ");
    if (err->component[0]) APPEND("%s: ", err->component);
    APPEND("%s", err->message[0] ? err->message : dh_status_text(err->code));
#undef APPEND
    return buf;
}

void dh_error_print(const dh_error *err, FILE *out)
{
    char buf[DH_ERROR_FILE_MAX + DH_ERROR_COMP_MAX + DH_ERROR_MSG_MAX + 64];
    fprintf(out, "%s\n", dh_error_format(err, buf, sizeof buf));
}

void dh_diag_init(dh_diag *diag, size_t cap)
{
    memset(diag, 0, sizeof *diag);
    diag->cap = cap ? cap : DH_DIAG_DEFAULT_CAP;
}

void dh_diag_free(dh_diag *diag)
{
    if (!diag) return;
    free(diag->items);
    size_t cap = diag->cap;
    memset(diag, 0, sizeof *diag);
    diag->cap = cap;
}

void dh_diag_add(dh_diag *diag, const dh_error *err)
{
    if (diag->count >= diag->cap) {
        diag->dropped++;
        return;
    }
    if (diag->count == diag->alloc) {
        size_t n = diag->alloc ? 2 * diag->alloc : 8;
        if (n > diag->cap) n = diag->cap;
        dh_error *p = realloc(diag->items, n * sizeof *p);
        if (!p) {
            diag->dropped++;
            return;
        }
        diag->items = p;
        diag->alloc = n;
    }
    diag->items[diag->count++] = *err;
}

dh_status dh_diag_report(dh_diag *diag, dh_status code, const dh_srcpos *pos,
                         const char *component, const char *fmt, ...)
{
    dh_error e;
    va_list ap;
    va_start(ap, fmt);
    dh_error_setv(&e, code, pos, component, fmt, ap);
    va_end(ap);
    dh_diag_add(diag, &e);
    return code;
}

void dh_diag_print(const dh_diag *diag, FILE *out)
{
    for (size_t i = 0; i < diag->count; i++) dh_error_print(&diag->items[i], out);
    if (diag->dropped)
        fprintf(out, "%zu more error%s not shown\n", diag->dropped, diag->dropped == 1 ? "" : "s");
}

static int cmp_error_pos(const void *a, const void *b)
{
    const dh_error *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    if (c) return c;
    if (x->line != y->line) return x->line < y->line ? -1 : 1;
    if (x->col != y->col) return x->col < y->col ? -1 : 1;
    return 0;
}

void dh_diag_sort(dh_diag *diag)
{
    /* insertion sort: stable, and lists are short (capped) */
    for (size_t i = 1; i < diag->count; i++) {
        dh_error tmp = diag->items[i];
        size_t j = i;
        while (j > 0 && cmp_error_pos(&diag->items[j - 1], &tmp) > 0) {
            diag->items[j] = diag->items[j - 1];
            j--;
        }
        diag->items[j] = tmp;
    }
}
