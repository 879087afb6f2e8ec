/* case_yaml.c: the case reader's value tree: arena, error helpers, YAML -> tree, --set overrides.
 *
 * Exports (case_internal.h): case_arena_*, cv_* tree helpers, case_error*, case_intern_file,
 * case_yaml_parse, case_apply_overrides. Called by case_read.c, case_csv.c and case_build.c.
 *
 * YAML is read with libfyaml's event parser (fy_parser_parse) rather than its document API:
 * the events carry the start mark of every node (libfyaml 0.7 has no node position call), and
 * building the tree from events with an explicit stack bounds the recursion whatever the
 * input. Hostile inputs are kept cheap: nesting is capped at CASE_MAX_DEPTH, aliases are
 * resolved by copying the anchored value within a global budget (CASE_ALIAS_BUDGET values, so
 * "billion laughs" documents fail fast), a second document is an error, duplicate keys are
 * reported by the schema pass (case_build.c).
 */
#include "case_internal.h"

#include <ctype.h>
#include <libfyaml.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh_strutil.h"

/* ---- arena ----------------------------------------------------------------------------------- */

typedef struct arena_chunk {
    struct arena_chunk *next;
    size_t used, size;
    max_align_t data[]; /* flexible, aligned for any type */
} arena_chunk;

struct case_arena {
    arena_chunk *head;
};

#define ARENA_CHUNK_BYTES (64u * 1024u)

case_arena *case_arena_create(void) { return calloc(1, sizeof(case_arena)); }

void case_arena_destroy(case_arena **pa)
{
    if (!pa || !*pa) return;
    arena_chunk *c = (*pa)->head;
    while (c) {
        arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    free(*pa);
    *pa = NULL;
}

void *case_arena_alloc(case_arena *a, size_t bytes)
{
    const size_t align = sizeof(max_align_t);
    if (bytes > SIZE_MAX / 2) return NULL;
    bytes = (bytes + align - 1) / align * align;
    if (bytes == 0) bytes = align;
    arena_chunk *c = a->head;
    if (!c || c->size - c->used < bytes) {
        size_t size = bytes > ARENA_CHUNK_BYTES ? bytes : ARENA_CHUNK_BYTES;
        c = malloc(sizeof *c + size);
        if (!c) return NULL;
        c->size = size;
        c->used = 0;
        /* a large one-off block goes behind the current chunk so the latter keeps filling */
        if (a->head && size > ARENA_CHUNK_BYTES) {
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    void *p = (char *)c->data + c->used;
    c->used += bytes;
    memset(p, 0, bytes);
    return p;
}

char *case_arena_strndup(case_arena *a, const char *s, size_t len)
{
    if (len == SIZE_MAX) return NULL;
    char *p = case_arena_alloc(a, len + 1);
    if (!p) return NULL;
    if (len) memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

/* ---- errors ---------------------------------------------------------------------------------- */

static uint64_t fnv1a(uint64_t h, const char *s)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

/* True when this error was already reported (same file, position, component and text). */
static bool seen_before(case_ctx *ctx, const dh_error *e)
{
    char num[64];
    snprintf(num, sizeof num, ":%d:%d:", e->line, e->col);
    uint64_t h = 1469598103934665603ULL;
    h = fnv1a(h, e->file);
    h = fnv1a(h, num);
    h = fnv1a(h, e->component);
    h = fnv1a(h, "\x1f");
    h = fnv1a(h, e->message);
    if (h == 0) h = 1;
    /* the set stops growing past a few thousand entries: the diag's cap is far lower */
    if (2 * (ctx->seen_count + 1) > ctx->seen_mask + 1) {
        if (ctx->seen_count >= 8192) return false;
        size_t cap = ctx->seen_mask ? 2 * (ctx->seen_mask + 1) : 256;
        unsigned long long *t = case_arena_alloc(ctx->arena, cap * sizeof *t);
        if (!t) return false;
        for (size_t i = 0; ctx->seen && i <= ctx->seen_mask; i++) {
            if (!ctx->seen[i]) continue;
            size_t j = (size_t)ctx->seen[i] & (cap - 1);
            while (t[j]) j = (j + 1) & (cap - 1);
            t[j] = ctx->seen[i];
        }
        ctx->seen = t;
        ctx->seen_mask = cap - 1;
    }
    size_t j = (size_t)h & ctx->seen_mask;
    while (ctx->seen[j]) {
        if (ctx->seen[j] == h) return true;
        j = (j + 1) & ctx->seen_mask;
    }
    ctx->seen[j] = h;
    ctx->seen_count++;
    return false;
}

static void add_error(case_ctx *ctx, const dh_error *e)
{
    if (seen_before(ctx, e)) return;
    if (ctx->first == DH_OK) ctx->first = e->code;
    ctx->n_errors++;
    dh_diag_add(ctx->diag, e);
}

void case_error(case_ctx *ctx, dh_status code, const dh_srcpos *pos, const char *component,
                const char *fmt, ...)
{
    dh_error e;
    va_list ap;
    va_start(ap, fmt);
    dh_error_setv(&e, code, pos, component, fmt, ap);
    va_end(ap);
    add_error(ctx, &e);
}

void case_error_rec(case_ctx *ctx, const dh_error *src, const char *component, const char *prefix)
{
    dh_error e = *src;
    if (component) snprintf(e.component, sizeof e.component, "%s", component);
    if (prefix && prefix[0]) {
        size_t lp = strlen(prefix), lm = strlen(src->message);
        if (lp > sizeof e.message - 3) lp = sizeof e.message - 3;
        if (lm > sizeof e.message - 3 - lp) lm = sizeof e.message - 3 - lp;
        memcpy(e.message, prefix, lp);
        memcpy(e.message + lp, ": ", 2);
        memcpy(e.message + lp + 2, src->message, lm);
        e.message[lp + 2 + lm] = '\0';
    }
    if (e.code == DH_OK) e.code = DH_ERR_INPUT;
    add_error(ctx, &e);
}

static void oom(case_ctx *ctx)
{
    case_error(ctx, DH_ERR_NOMEM, NULL, NULL, "out of memory reading the case");
}

/* ---- tree ------------------------------------------------------------------------------------ */

const char *case_intern_file(case_ctx *ctx, const char *name)
{
    return case_arena_strndup(ctx->arena, name, strlen(name));
}

cv_node *cv_new(case_ctx *ctx, cv_kind kind, const dh_srcpos *pos)
{
    cv_node *n = case_arena_alloc(ctx->arena, sizeof *n);
    if (!n) return NULL;
    n->kind = kind;
    n->height = 1;
    if (pos) n->pos = *pos;
    return n;
}

cv_node *cv_new_scalar(case_ctx *ctx, const char *text, size_t len, bool quoted,
                       const dh_srcpos *pos)
{
    cv_node *n = cv_new(ctx, CV_SCALAR, pos);
    if (!n) return NULL;
    n->quoted = quoted;
    n->text = case_arena_strndup(ctx->arena, text, len);
    return n->text ? n : NULL;
}

static int grow(case_ctx *ctx, void **arr, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap) return 0;
    size_t c = *cap ? 2 * *cap : 4;
    if (c > SIZE_MAX / elem) return -1;
    void *p = case_arena_alloc(ctx->arena, c * elem);
    if (!p) return -1;
    if (n) memcpy(p, *arr, n * elem);
    *arr = p;
    *cap = c;
    return 0;
}

int cv_seq_push(case_ctx *ctx, cv_node *seq, cv_node *item)
{
    if (grow(ctx, (void **)&seq->items, &seq->cap, seq->n, sizeof *seq->items)) return -1;
    seq->items[seq->n++] = item;
    if (item->height + 1 > seq->height) seq->height = item->height + 1;
    return 0;
}

int cv_map_push(case_ctx *ctx, cv_node *map, const char *key, const dh_srcpos *key_pos,
                cv_node *value)
{
    if (grow(ctx, (void **)&map->pairs, &map->cap, map->n, sizeof *map->pairs)) return -1;
    cv_pair *p = &map->pairs[map->n++];
    p->key = key;
    p->key_pos = *key_pos;
    p->value = value;
    if (value->height + 1 > map->height) map->height = value->height + 1;
    return 0;
}

cv_pair *cv_map_find(const cv_node *map, const char *key)
{
    if (!map || map->kind != CV_MAP) return NULL;
    for (size_t i = map->n; i-- > 0;)
        if (!strcmp(map->pairs[i].key, key)) return &map->pairs[i];
    return NULL;
}

const char *cv_kind_text(cv_kind kind)
{
    switch (kind) {
    case CV_NULL: return "an empty value";
    case CV_SCALAR: return "a single value";
    case CV_SEQ: return "a list";
    case CV_MAP: return "a mapping";
    }
    return "a value";
}

/* Deep copy for an alias, charged to the alias budget. NULL when the budget is exhausted. */
static cv_node *cv_copy(case_ctx *ctx, const cv_node *src)
{
    if (ctx->alias_left == 0) return NULL;
    ctx->alias_left--;
    cv_node *n = case_arena_alloc(ctx->arena, sizeof *n);
    if (!n) return NULL;
    *n = *src;
    n->items = NULL;
    n->pairs = NULL;
    n->n = n->cap = 0;
    if (src->kind == CV_SEQ && src->n) {
        n->items = case_arena_alloc(ctx->arena, src->n * sizeof *n->items);
        if (!n->items) return NULL;
        n->cap = src->n;
        for (size_t i = 0; i < src->n; i++, n->n++)
            if (!(n->items[i] = cv_copy(ctx, src->items[i]))) return NULL;
    } else if (src->kind == CV_MAP && src->n) {
        n->pairs = case_arena_alloc(ctx->arena, src->n * sizeof *n->pairs);
        if (!n->pairs) return NULL;
        n->cap = src->n;
        for (size_t i = 0; i < src->n; i++, n->n++) {
            n->pairs[i] = src->pairs[i];
            if (!(n->pairs[i].value = cv_copy(ctx, src->pairs[i].value))) return NULL;
        }
    }
    return n;
}

/* ---- anchors: name -> completed value (a later anchor of the same name replaces it) -------- */

typedef struct anchor_map {
    const char **name;
    cv_node **node;
    size_t mask, count;
} anchor_map;

static uint64_t hash_str(const char *s) { return fnv1a(1469598103934665603ULL, s); }

static int anchor_put(case_ctx *ctx, anchor_map *m, const char *name, cv_node *node)
{
    if (2 * (m->count + 1) > (m->name ? m->mask + 1 : 0)) {
        size_t cap = m->name ? 2 * (m->mask + 1) : 64;
        const char **nn = case_arena_alloc(ctx->arena, cap * sizeof *nn);
        cv_node **nv = case_arena_alloc(ctx->arena, cap * sizeof *nv);
        if (!nn || !nv) return -1;
        for (size_t i = 0; m->name && i <= m->mask; i++) {
            if (!m->name[i]) continue;
            size_t j = (size_t)hash_str(m->name[i]) & (cap - 1);
            while (nn[j]) j = (j + 1) & (cap - 1);
            nn[j] = m->name[i];
            nv[j] = m->node[i];
        }
        m->name = nn;
        m->node = nv;
        m->mask = cap - 1;
    }
    size_t j = (size_t)hash_str(name) & m->mask;
    while (m->name[j]) {
        if (!strcmp(m->name[j], name)) {
            m->node[j] = node;
            return 0;
        }
        j = (j + 1) & m->mask;
    }
    m->name[j] = name;
    m->node[j] = node;
    m->count++;
    return 0;
}

static cv_node *anchor_get(const anchor_map *m, const char *name)
{
    if (!m->name) return NULL;
    size_t j = (size_t)hash_str(name) & m->mask;
    while (m->name[j]) {
        if (!strcmp(m->name[j], name)) return m->node[j];
        j = (j + 1) & m->mask;
    }
    return NULL;
}

/* ---- YAML -> tree ------------------------------------------------------------------------ */

typedef struct yframe {
    cv_node *node;      /* collection being filled */
    const char *anchor; /* registered when the collection completes */
    bool want_key;      /* mapping: the next completed value is a key */
    bool skip;          /* mapping: the pending key was not a plain name: drop its value */
    const char *key;
    dh_srcpos key_pos;
} yframe;

typedef struct yparse {
    case_ctx *ctx;
    yframe stack[CASE_MAX_DEPTH + 1];
    size_t depth;
    cv_node *root;
    anchor_map anchors;
    dh_srcpos last; /* last position seen (for errors at the end of the input) */
    bool failed;
    const char *text; /* the whole input (for single-quoted scalars, see quoted_text) */
    size_t len;
} yparse;

/* The value of a one-line single-quoted scalar, unescaped here ('' -> ') from the input
 * bytes, or NULL to let libfyaml do it. libfyaml 0.7.12 leaks its atom iterator's chunk array
 * when it formats a single-quoted scalar with many '' escapes (upstream issue #233); doing the
 * one-line case ourselves avoids that in practice. Multi-line scalars need YAML's line
 * folding: libfyaml keeps those. */
static const char *quoted_text(yparse *y, struct fy_token *tok, size_t *len)
{
    const struct fy_mark *a = fy_token_start_mark(tok), *b = fy_token_end_mark(tok);
    /* the token spans the text between the quotes */
    if (!a || !b || !y->text || a->input_pos < 1 || b->input_pos >= y->len ||
        a->input_pos > b->input_pos)
        return NULL;
    const char *p = y->text + a->input_pos, *end = y->text + b->input_pos;
    if (p[-1] != '\'' || *end != '\'') return NULL;
    for (const char *q = p; q < end; q++)
        if (*q == '\n' || *q == '\r') return NULL;
    char *out = case_arena_alloc(y->ctx->arena, (size_t)(end - p) + 1);
    if (!out) return NULL;
    size_t n = 0;
    while (p < end) {
        if (*p == '\'') {
            if (p + 1 >= end || p[1] != '\'') return NULL; /* a lone quote: not ours to judge */
            p++;
        }
        out[n++] = *p++;
    }
    out[n] = '\0';
    *len = n;
    return out;
}

static void mark_pos(yparse *y, const struct fy_mark *m, dh_srcpos *pos)
{
    pos->file = y->ctx->file;
    if (m && m->line >= 0) {
        pos->line = m->line + 1;
        pos->col = m->column + 1;
        y->last = *pos;
    } else if (y->depth > 0 && y->stack[y->depth - 1].node->kind == CV_MAP &&
               !y->stack[y->depth - 1].want_key) {
        *pos = y->stack[y->depth - 1].key_pos; /* an empty value: point at its key */
    } else {
        *pos = y->last;
        if (pos->line == 0) pos->line = pos->col = 1;
    }
}

static void attach(yparse *y, cv_node *node)
{
    case_ctx *ctx = y->ctx;
    if (y->depth == 0) {
        if (!y->root) y->root = node;
        return;
    }
    yframe *f = &y->stack[y->depth - 1];
    if (f->node->kind == CV_SEQ) {
        if (cv_seq_push(ctx, f->node, node)) {
            oom(ctx);
            y->failed = true;
        }
        return;
    }
    if (f->want_key) {
        f->want_key = false;
        f->skip = false;
        if (node->kind == CV_SCALAR && node->text[0]) {
            f->key = node->text;
            f->key_pos = node->pos;
        } else {
            case_error(ctx, DH_ERR_INPUT, &node->pos, NULL,
                       "mapping keys must be plain names, not %s", cv_kind_text(node->kind));
            f->skip = true;
            f->key_pos = node->pos;
        }
        return;
    }
    f->want_key = true;
    if (!f->skip && cv_map_push(ctx, f->node, f->key, &f->key_pos, node)) {
        oom(ctx);
        y->failed = true;
    }
}

static const char *token_text(case_ctx *ctx, struct fy_token *t)
{
    size_t len = 0;
    const char *s = t ? fy_token_get_text(t, &len) : NULL;
    if (!s) return NULL;
    return case_arena_strndup(ctx->arena, s, len);
}

static void register_anchor(yparse *y, const char *anchor, cv_node *node)
{
    if (anchor && anchor_put(y->ctx, &y->anchors, anchor, node)) {
        oom(y->ctx);
        y->failed = true;
    }
}

static bool is_null_text(const char *s, size_t len)
{
    return len == 0 || (len == 1 && s[0] == '~') ||
           (len == 4 && (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) || !memcmp(s, "NULL", 4)));
}

static void on_event(yparse *y, struct fy_event *ev, int *documents)
{
    case_ctx *ctx = y->ctx;
    dh_srcpos pos;
    switch (ev->type) {
    case FYET_DOCUMENT_START:
        if (++*documents > 1) {
            mark_pos(y, fy_event_start_mark(ev), &pos);
            case_error(ctx, DH_ERR_PARSE, &pos, NULL,
                       "a case file holds one YAML document; a second one starts here");
            y->failed = true;
        }
        return;
    case FYET_MAPPING_START:
    case FYET_SEQUENCE_START: {
        mark_pos(y, fy_event_start_mark(ev), &pos);
        if (y->depth >= CASE_MAX_DEPTH) {
            case_error(ctx, DH_ERR_INPUT, &pos, NULL, "values nested deeper than %d levels",
                       CASE_MAX_DEPTH);
            y->failed = true;
            return;
        }
        bool map = ev->type == FYET_MAPPING_START;
        cv_node *n = cv_new(ctx, map ? CV_MAP : CV_SEQ, &pos);
        if (!n) {
            oom(ctx);
            y->failed = true;
            return;
        }
        struct fy_token *anchor = map ? ev->mapping_start.anchor : ev->sequence_start.anchor;
        yframe *f = &y->stack[y->depth++];
        memset(f, 0, sizeof *f);
        f->node = n;
        f->want_key = map;
        f->anchor = token_text(ctx, anchor);
        return;
    }
    case FYET_MAPPING_END:
    case FYET_SEQUENCE_END: {
        if (y->depth == 0) return;
        yframe f = y->stack[--y->depth];
        register_anchor(y, f.anchor, f.node);
        attach(y, f.node);
        return;
    }
    case FYET_SCALAR: {
        size_t len = 0;
        const char *s = NULL;
        if (fy_event_get_node_style(ev) == FYNS_SINGLE_QUOTED)
            s = quoted_text(y, ev->scalar.value, &len);
        if (!s) s = fy_token_get_text(ev->scalar.value, &len);
        if (!s) s = "", len = 0;
        mark_pos(y, fy_event_start_mark(ev), &pos);
        enum fy_node_style style = fy_event_get_node_style(ev);
        bool quoted = style == FYNS_SINGLE_QUOTED || style == FYNS_DOUBLE_QUOTED ||
                      style == FYNS_LITERAL || style == FYNS_FOLDED;
        cv_node *n;
        if (memchr(s, '\0', len)) {
            case_error(ctx, DH_ERR_INPUT, &pos, NULL, "value contains a NUL character");
            n = cv_new(ctx, CV_NULL, &pos);
        } else if (!quoted && is_null_text(s, len)) {
            n = cv_new(ctx, CV_NULL, &pos);
        } else {
            n = cv_new_scalar(ctx, s, len, quoted, &pos);
        }
        if (!n) {
            oom(ctx);
            y->failed = true;
            return;
        }
        register_anchor(y, token_text(ctx, ev->scalar.anchor), n);
        attach(y, n);
        return;
    }
    case FYET_ALIAS: {
        mark_pos(y, fy_event_start_mark(ev), &pos);
        /* libfyaml marks the alias name, just after its '*' */
        const char *name = token_text(ctx, ev->alias.anchor);
        cv_node *target = name ? anchor_get(&y->anchors, name) : NULL;
        cv_node *n = NULL;
        if (!target) {
            case_error(ctx, DH_ERR_INPUT, &pos, NULL,
                       "alias '*%s' does not refer to a complete anchored value before it",
                       name ? name : "");
        } else if (y->depth + target->height > CASE_MAX_DEPTH + 1) {
            case_error(ctx, DH_ERR_INPUT, &pos, NULL,
                       "alias '*%s' nests values deeper than %d levels", name, CASE_MAX_DEPTH);
        } else if (!(n = cv_copy(ctx, target))) {
            if (ctx->alias_left == 0) {
                if (!ctx->alias_overrun)
                    case_error(ctx, DH_ERR_INPUT, &pos, NULL,
                               "aliases expand to more than %u values", CASE_ALIAS_BUDGET);
                ctx->alias_overrun = true;
            } else {
                oom(ctx);
            }
            y->failed = true;
            return;
        }
        if (!n) n = cv_new(ctx, CV_NULL, &pos);
        if (!n) {
            oom(ctx);
            y->failed = true;
            return;
        }
        attach(y, n);
        return;
    }
    default: return;
    }
}

static void diag_output_nothing(struct fy_diag *d, void *user, const char *buf, size_t len)
{
    (void)d, (void)user, (void)buf, (void)len;
}

cv_node *case_yaml_parse(case_ctx *ctx, const char *text, size_t len)
{
    yparse *y = calloc(1, sizeof *y);
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = diag_output_nothing;
    dcfg.level = FYET_ERROR;
    dcfg.colorize = false;
    struct fy_diag *fdiag = fy_diag_create(&dcfg);
    struct fy_parser *parser = NULL;
    if (!y || !fdiag) goto nomem;
    fy_diag_set_collect_errors(fdiag, true);
    y->ctx = ctx;
    y->text = text;
    y->len = len;
    struct fy_parse_cfg pcfg;
    memset(&pcfg, 0, sizeof pcfg);
    pcfg.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG;
    pcfg.diag = fdiag;
    parser = fy_parser_create(&pcfg);
    if (!parser || fy_parser_set_string(parser, text, len) != 0) goto nomem;

    int documents = 0;
    struct fy_event *ev;
    while (!y->failed && (ev = fy_parser_parse(parser)) != NULL) {
        on_event(y, ev, &documents);
        fy_parser_event_free(parser, ev);
    }
    if (!y->failed && fy_parser_get_stream_error(parser)) {
        void *iter = NULL;
        struct fy_diag_error *de;
        size_t n = 0;
        while ((de = fy_diag_errors_iterate(fdiag, &iter)) != NULL) {
            if (de->type < FYET_ERROR) continue;
            /* libfyaml's collected errors are 1-based already (unlike fy_mark) */
            dh_srcpos pos = {ctx->file, de->line > 0 ? de->line : 0,
                             de->column > 0 ? de->column : 0};
            case_error(ctx, DH_ERR_PARSE, &pos, NULL, "%s", de->msg ? de->msg : "YAML syntax error");
            n++;
        }
        if (n == 0) case_error(ctx, DH_ERR_PARSE, &y->last, NULL, "YAML syntax error");
        y->failed = true;
    }
    cv_node *root = NULL;
    if (!y->failed) {
        root = y->root;
        if (!root) {
            dh_srcpos pos = {ctx->file, 1, 1};
            root = cv_new(ctx, CV_NULL, &pos);
            if (!root) oom(ctx);
        }
    }
    fy_parser_destroy(parser);
    fy_diag_destroy(fdiag);
    free(y);
    return root;

nomem:
    oom(ctx);
    if (parser) fy_parser_destroy(parser);
    if (fdiag) fy_diag_destroy(fdiag);
    free(y);
    return NULL;
}

/* ---- --set overrides ---------------------------------------------------------------------- */

typedef struct seg {
    const char *s; /* start in the override text */
    size_t len;
    int col;       /* 1-based column in the override text */
} seg;

static bool all_digits(const char *s, size_t len)
{
    if (len == 0 || len > 9) return false;
    for (size_t i = 0; i < len; i++)
        if (!isdigit((unsigned char)s[i])) return false;
    return true;
}

/* Item of a list whose `id` equals s[0..len), or NULL. */
static cv_node *find_item_by_id(const cv_node *seq, const char *s, size_t len)
{
    for (size_t i = 0; i < seq->n; i++) {
        const cv_pair *p = cv_map_find(seq->items[i], "id");
        if (p && p->value->kind == CV_SCALAR && strlen(p->value->text) == len &&
            !memcmp(p->value->text, s, len))
            return seq->items[i];
    }
    return NULL;
}

static const char *suggest_id(case_ctx *ctx, const cv_node *seq, const char *word)
{
    const char **ids = malloc((seq->n ? seq->n : 1) * sizeof *ids);
    if (!ids) return NULL;
    for (size_t i = 0; i < seq->n; i++) {
        const cv_pair *p = cv_map_find(seq->items[i], "id");
        ids[i] = p && p->value->kind == CV_SCALAR ? p->value->text : NULL;
    }
    const char *hint = dh_str_suggest(word, ids, seq->n);
    free(ids);
    (void)ctx;
    return hint;
}

/* Applies one override; reports and returns -1 on failure. */
static int apply_one(case_ctx *ctx, cv_node *root, const char *text, int index)
{
    dh_srcpos pos = {ctx->file, index, 1};
    const char *eq = strchr(text, '=');
    if (!eq || eq == text) {
        case_error(ctx, DH_ERR_USAGE, &pos, NULL, "expected KEY=VALUE, got '%s'", text);
        return -1;
    }
    size_t key_len = (size_t)(eq - text);
    while (key_len && (text[key_len - 1] == ' ' || text[key_len - 1] == '\t')) key_len--;
    if (key_len == 0 || text[0] == ' ' || text[0] == '\t') {
        case_error(ctx, DH_ERR_USAGE, &pos, NULL, "expected KEY=VALUE, got '%s'", text);
        return -1;
    }
    /* value: trimmed */
    const char *v = eq + 1;
    while (*v == ' ' || *v == '\t') v++;
    size_t vlen = strlen(v);
    while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t')) vlen--;
    dh_srcpos vpos = {ctx->file, index, (int)(v - text) + 1};

    /* path segments */
    size_t nseg = 1;
    for (size_t i = 0; i < key_len; i++) nseg += text[i] == '.';
    seg *segs = malloc(nseg * sizeof *segs);
    if (!segs) {
        oom(ctx);
        return -1;
    }
    int rc = -1;
    {
        size_t k = 0, start = 0;
        for (size_t i = 0; i <= key_len; i++) {
            if (i == key_len || text[i] == '.') {
                segs[k].s = text + start;
                segs[k].len = i - start;
                segs[k].col = (int)start + 1;
                /* trim blanks around a segment ("a . b" is a typo, not a path) */
                if (segs[k].len == 0) {
                    pos.col = (int)start + 1;
                    case_error(ctx, DH_ERR_USAGE, &pos, NULL, "empty name in path '%.*s'",
                               (int)key_len, text);
                    goto out;
                }
                k++;
                start = i + 1;
            }
        }
    }
    if (root->kind != CV_MAP) {
        case_error(ctx, DH_ERR_USAGE, &pos, NULL, "cannot set '%.*s': the case is not a mapping",
                   (int)key_len, text);
        goto out;
    }
    cv_node *node = root;
    for (size_t i = 0; i < nseg;) {
        const seg *sg = &segs[i];
        pos.col = sg->col;
        int path_len = (int)(sg->s - text) - 1; /* the path up to this segment */
        if (path_len < 0) path_len = 0;
        if (node->kind == CV_NULL) node->kind = CV_MAP; /* "laying:" left empty: fill it */
        if (node->kind == CV_SEQ) {
            /* an item by id; ids may contain dots, so try the longest match first */
            cv_node *item = NULL;
            size_t j = nseg;
            while (j-- > i) {
                size_t len = (size_t)(segs[j].s + segs[j].len - sg->s);
                if ((item = find_item_by_id(node, sg->s, len)) != NULL) break;
            }
            if (item) {
                i = j + 1;
            } else if (all_digits(sg->s, sg->len) && strtoul(sg->s, NULL, 10) < node->n) {
                item = node->items[strtoul(sg->s, NULL, 10)];
                i++;
            } else {
                char *word = case_arena_strndup(ctx->arena, sg->s, sg->len);
                const char *hint = word ? suggest_id(ctx, node, word) : NULL;
                case_error(ctx, DH_ERR_INPUT, &pos, NULL,
                           "unknown path '%.*s': no item with id '%.*s' in '%.*s'%s%s%s",
                           (int)key_len, text, (int)sg->len, sg->s, path_len, text,
                           hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
                goto out;
            }
            if (i == nseg) {
                case_error(ctx, DH_ERR_INPUT, &pos, NULL,
                           "cannot set '%.*s': it is %s; --set replaces single values",
                           (int)key_len, text, cv_kind_text(item->kind));
                goto out;
            }
            node = item;
            continue;
        }
        if (node->kind != CV_MAP) {
            case_error(ctx, DH_ERR_INPUT, &pos, NULL,
                       "unknown path '%.*s': '%.*s' is a single value, it has no '%.*s'",
                       (int)key_len, text, path_len, text, (int)sg->len, sg->s);
            goto out;
        }
        char *key = case_arena_strndup(ctx->arena, sg->s, sg->len);
        if (!key) {
            oom(ctx);
            goto out;
        }
        cv_pair *p = cv_map_find(node, key);
        bool last = i + 1 == nseg;
        if (last) {
            cv_node *val = vlen ? cv_new_scalar(ctx, v, vlen, false, &vpos)
                                : cv_new(ctx, CV_NULL, &vpos);
            if (!val) {
                oom(ctx);
                goto out;
            }
            if (p && (p->value->kind == CV_MAP || p->value->kind == CV_SEQ) &&
                p->value->n > 0) {
                case_error(ctx, DH_ERR_INPUT, &pos, NULL,
                           "cannot set '%.*s': it is %s; --set replaces single values",
                           (int)key_len, text, cv_kind_text(p->value->kind));
                goto out;
            }
            if (p) {
                p->value = val;
            } else if (cv_map_push(ctx, node, key, &pos, val)) {
                oom(ctx);
                goto out;
            }
            rc = 0;
            goto out;
        }
        if (!p) {
            cv_node *m = cv_new(ctx, CV_MAP, &pos);
            if (!m || cv_map_push(ctx, node, key, &pos, m)) {
                oom(ctx);
                goto out;
            }
            node = m;
        } else {
            node = p->value;
        }
        i++;
    }
out:
    free(segs);
    return rc;
}

size_t case_apply_overrides(case_ctx *ctx, cv_node *root, const char *const *overrides, size_t n)
{
    size_t failed = 0;
    const char *saved = ctx->file;
    ctx->file = case_intern_file(ctx, "--set");
    if (!ctx->file) {
        ctx->file = saved;
        oom(ctx);
        return n;
    }
    for (size_t i = 0; i < n; i++) {
        int index = i < (size_t)1000000 ? (int)i + 1 : 1000000;
        if (!overrides[i] || apply_one(ctx, root, overrides[i], index)) failed++;
    }
    ctx->file = saved;
    return failed;
}
