/* case_csv.c: CSV tables of a case (GIS exports) read into the case reader's value tree.
 *
 * Exports (case_internal.h): case_csv_expand (replaces `table: {csv: FILE}` by the rows of
 * FILE), case_csv_parse. Called by case_read.c before --set overrides are applied, so that
 * overrides reach rows read from CSV too.
 *
 * The format (RFC 4180 with the liberties GIS tools take): the first non-empty record is the
 * header; each column name is a case key, optionally with a unit in brackets ("length [m]",
 * "diameter [mm]", "diameter [DN]") applied to cells that hold a bare number; dotted names
 * reach nested values ("laying.depth [m]", "insulation.0.thickness [mm]"). Fields are separated
 * by the table's delimiter (',' by default), may be quoted with '"' ("" inside quotes is one
 * quote, quoted fields may span lines), and are trimmed of blanks outside quotes. Empty lines,
 * CRLF/LF/CR line ends and a UTF-8 byte-order mark are accepted. An empty cell is an absent
 * value (defaults and "missing required key" apply). Positions are `file:line:col` with col the
 * 1-based character column of the field's first character, as editors show it.
 * No Debian C CSV library is worth a dependency for this; the reader is ~300 lines and fuzzed.
 */
#include "case_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dh_strutil.h"

typedef struct csv_field {
    const char *text; /* arena copy, unescaped and trimmed */
    size_t len;
    bool quoted;
    int line, col;
} csv_field;

typedef struct csv_reader {
    case_ctx *ctx;
    const char *name; /* interned file name */
    const char *p, *end;
    char delim;
    int line, col;
    csv_field *f; /* fields of the current record */
    size_t n, cap;
    bool failed;
} csv_reader;

typedef struct csv_column {
    const char *name; /* as written, without the unit */
    const char *unit; /* or NULL */
    const char **seg; /* dotted name split */
    size_t nseg;
    dh_srcpos pos;
    bool ok;
} csv_column;

static void csv_oom(csv_reader *r)
{
    case_error(r->ctx, DH_ERR_NOMEM, NULL, NULL, "out of memory reading %s", r->name);
    r->failed = true;
}

/* Advances one byte, keeping line and (character) column. Line ends: LF, CR LF, CR. */
static void adv(csv_reader *r)
{
    char c = *r->p++;
    if (c == '\n' || (c == '\r' && (r->p == r->end || *r->p != '\n'))) {
        r->line++;
        r->col = 1;
    } else if (c != '\r' && ((unsigned char)c & 0xC0) != 0x80) {
        r->col++;
    }
}

static bool at_eol(const csv_reader *r) { return r->p < r->end && (*r->p == '\n' || *r->p == '\r'); }

static int push_field(csv_reader *r, const char *s, size_t len, bool quoted, int line, int col)
{
    if (r->n == r->cap) {
        size_t c = r->cap ? 2 * r->cap : 16;
        csv_field *nf = realloc(r->f, c * sizeof *nf);
        if (!nf) return -1;
        r->f = nf;
        r->cap = c;
    }
    char *t = case_arena_strndup(r->ctx->arena, s, len);
    if (!t) return -1;
    if (quoted) { /* "" -> " */
        size_t k = 0;
        for (size_t i = 0; i < len; i++) {
            t[k++] = t[i];
            if (t[i] == '"' && i + 1 < len && t[i + 1] == '"') i++;
        }
        t[k] = '\0';
        len = k;
    }
    r->f[r->n++] = (csv_field){t, len, quoted, line, col};
    return 0;
}

/* Reads one record into r->f. Returns false at the end of the input. */
static bool read_record(csv_reader *r)
{
    r->n = 0;
    if (r->p >= r->end) return false;
    for (;;) {
        while (r->p < r->end && (*r->p == ' ' || (*r->p == '\t' && r->delim != '\t'))) adv(r);
        int line = r->line, col = r->col;
        if (r->p < r->end && *r->p == '"') {
            adv(r);
            const char *s = r->p;
            for (;;) {
                if (r->p >= r->end) {
                    dh_srcpos pos = {r->name, line, col};
                    case_error(r->ctx, DH_ERR_PARSE, &pos, NULL, "unterminated quoted field");
                    r->failed = true;
                    return false;
                }
                if (*r->p == '"') {
                    if (r->p + 1 < r->end && r->p[1] == '"') {
                        adv(r);
                        adv(r);
                        continue;
                    }
                    break;
                }
                adv(r);
            }
            const char *e = r->p;
            adv(r); /* closing quote */
            while (r->p < r->end && (*r->p == ' ' || (*r->p == '\t' && r->delim != '\t'))) adv(r);
            if (r->p < r->end && *r->p != r->delim && !at_eol(r)) {
                dh_srcpos pos = {r->name, r->line, r->col};
                case_error(r->ctx, DH_ERR_PARSE, &pos, NULL,
                           "unexpected '%c' after a closing quote", *r->p);
                while (r->p < r->end && *r->p != r->delim && !at_eol(r)) adv(r);
            }
            if (push_field(r, s, (size_t)(e - s), true, line, col)) {
                csv_oom(r);
                return false;
            }
        } else {
            const char *s = r->p;
            while (r->p < r->end && *r->p != r->delim && !at_eol(r)) adv(r);
            const char *e = r->p;
            while (e > s && (e[-1] == ' ' || (e[-1] == '\t' && r->delim != '\t'))) e--;
            if (push_field(r, s, (size_t)(e - s), false, line, col)) {
                csv_oom(r);
                return false;
            }
        }
        if (r->p < r->end && *r->p == r->delim) {
            adv(r);
            continue;
        }
        if (r->p < r->end) adv(r); /* line end (CR LF counts as one) */
        if (r->p < r->end && r->p[-1] == '\r' && *r->p == '\n') adv(r);
        return true;
    }
}

static bool record_empty(const csv_reader *r)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->f[i].len || r->f[i].quoted) return false;
    return true;
}

/* "length [m]" -> name "length", unit "m"; dotted name split into segments. */
static void parse_header(csv_reader *r, const csv_field *f, csv_column *c)
{
    case_ctx *ctx = r->ctx;
    memset(c, 0, sizeof *c);
    c->pos = (dh_srcpos){r->name, f->line, f->col};
    const char *t = f->text;
    size_t len = f->len;
    const char *lb = memchr(t, '[', len);
    size_t name_len = lb ? (size_t)(lb - t) : len;
    while (name_len && isspace((unsigned char)t[name_len - 1])) name_len--;
    if (lb) {
        const char *rb = memchr(lb, ']', len - (size_t)(lb - t));
        const char *tail = rb ? rb + 1 : NULL;
        while (tail && tail < t + len && isspace((unsigned char)*tail)) tail++;
        if (!rb || tail != t + len) {
            case_error(ctx, DH_ERR_INPUT, &c->pos, NULL,
                       "column '%s': a unit is written in brackets at the end, as 'length [m]'",
                       t);
            return;
        }
        const char *u = lb + 1, *ue = rb;
        while (u < ue && isspace((unsigned char)*u)) u++;
        while (ue > u && isspace((unsigned char)ue[-1])) ue--;
        if (ue > u && !(c->unit = case_arena_strndup(ctx->arena, u, (size_t)(ue - u)))) {
            csv_oom(r);
            return;
        }
    }
    if (name_len == 0) {
        case_error(ctx, DH_ERR_INPUT, &c->pos, NULL, "empty column name");
        return;
    }
    if (!(c->name = case_arena_strndup(ctx->arena, t, name_len))) {
        csv_oom(r);
        return;
    }
    size_t nseg = 1;
    for (size_t i = 0; i < name_len; i++) nseg += t[i] == '.';
    c->seg = case_arena_alloc(ctx->arena, nseg * sizeof *c->seg);
    if (!c->seg) {
        csv_oom(r);
        return;
    }
    size_t start = 0;
    for (size_t i = 0; i <= name_len; i++) {
        if (i < name_len && t[i] != '.') continue;
        if (i == start) {
            case_error(ctx, DH_ERR_INPUT, &c->pos, NULL, "column '%s': empty name in the path",
                       c->name);
            return;
        }
        if (!(c->seg[c->nseg++] = case_arena_strndup(ctx->arena, t + start, i - start))) {
            csv_oom(r);
            return;
        }
        start = i + 1;
    }
    c->ok = true;
}

static bool seg_index(const char *s, size_t *idx)
{
    size_t n = strlen(s);
    if (n == 0 || n > 6) return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i])) return false;
    *idx = (size_t)strtoul(s, NULL, 10);
    return true;
}

/* Puts a cell into its row along the column's dotted path ("laying.depth",
 * "insulation.0.thickness"): mappings for names, lists for indices (appended in order). */
static void put_cell(csv_reader *r, cv_node *row, const csv_column *c, cv_node *val)
{
    case_ctx *ctx = r->ctx;
    cv_node *node = row;
    for (size_t k = 0; k < c->nseg; k++) {
        bool last = k + 1 == c->nseg;
        size_t idx = 0, next_idx;
        bool next_is_index = !last && seg_index(c->seg[k + 1], &next_idx);
        cv_node *child = NULL;
        if (node->kind == CV_MAP) {
            cv_pair *p = cv_map_find(node, c->seg[k]);
            if (p) child = p->value;
            if (last || !child) {
                if (p) goto conflict;
                cv_node *add = last ? val : cv_new(ctx, next_is_index ? CV_SEQ : CV_MAP, &val->pos);
                if (!add || cv_map_push(ctx, node, c->seg[k], &c->pos, add)) goto nomem;
                child = add;
            }
        } else { /* CV_SEQ: created only for an index segment */
            seg_index(c->seg[k], &idx);
            if (idx < node->n) {
                if (last) goto conflict;
                child = node->items[idx];
            } else if (idx == node->n) {
                cv_node *add = last ? val : cv_new(ctx, next_is_index ? CV_SEQ : CV_MAP, &val->pos);
                if (!add || cv_seq_push(ctx, node, add)) goto nomem;
                child = add;
            } else {
                case_error(ctx, DH_ERR_INPUT, &val->pos, NULL,
                           "column '%s': item %zu given while item %zu is empty", c->name, idx,
                           node->n);
                return;
            }
        }
        if (last) return;
        if (child->kind != (next_is_index ? CV_SEQ : CV_MAP)) goto conflict;
        node = child;
    }
    return;
conflict:
    case_error(ctx, DH_ERR_INPUT, &c->pos, NULL, "column '%s' conflicts with another column",
               c->name);
    return;
nomem:
    csv_oom(r);
}

cv_node *case_csv_parse(case_ctx *ctx, const char *text, size_t len, const char *name,
                        char delimiter)
{
    csv_reader r;
    memset(&r, 0, sizeof r);
    r.ctx = ctx;
    r.name = case_intern_file(ctx, name);
    if (!r.name) {
        case_error(ctx, DH_ERR_NOMEM, NULL, NULL, "out of memory reading %s", name);
        return NULL;
    }
    r.p = text;
    r.end = text + len;
    r.delim = delimiter ? delimiter : ',';
    r.line = r.col = 1;
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) r.p += 3; /* UTF-8 byte-order mark */

    dh_srcpos start = {r.name, 1, 1};
    cv_node *rows = cv_new(ctx, CV_SEQ, &start);
    csv_column *cols = NULL;
    size_t ncols = 0;
    dh_idmap names = {0};
    if (!rows || dh_idmap_init(&names, 16)) goto nomem;

    /* header */
    while (read_record(&r) && record_empty(&r)) {}
    if (r.failed) goto done;
    if (r.n == 0) {
        case_error(ctx, DH_ERR_INPUT, &start, NULL, "the CSV table is empty: a header row is needed");
        r.failed = true;
        goto done;
    }
    ncols = r.n;
    cols = calloc(ncols, sizeof *cols);
    if (!cols) goto nomem;
    for (size_t j = 0; j < ncols; j++) {
        parse_header(&r, &r.f[j], &cols[j]);
        if (r.failed) goto done;
        if (!cols[j].ok) continue;
        size_t first;
        int put = dh_idmap_put(&names, cols[j].name, j, &first);
        if (put < 0) goto nomem;
        if (put == 1) {
            case_error(ctx, DH_ERR_INPUT, &cols[j].pos, NULL,
                       "duplicate column '%s' (also column %zu)", cols[j].name, first + 1);
            cols[j].ok = false;
        }
    }

    /* rows */
    while (read_record(&r)) {
        if (record_empty(&r)) continue;
        dh_srcpos rpos = {r.name, r.f[0].line, 1};
        cv_node *row = cv_new(ctx, CV_MAP, &rpos);
        if (!row || cv_seq_push(ctx, rows, row)) goto nomem;
        for (size_t j = 0; j < r.n; j++) {
            const csv_field *f = &r.f[j];
            if (f->len == 0 && !f->quoted) continue;
            dh_srcpos pos = {r.name, f->line, f->col};
            if (j >= ncols) {
                case_error(ctx, DH_ERR_INPUT, &pos, NULL,
                           "row has %zu fields, the header has %zu", r.n, ncols);
                break;
            }
            if (!cols[j].ok) continue;
            cv_node *val = cv_new_scalar(ctx, f->text, f->len, f->quoted, &pos);
            if (!val) goto nomem;
            val->unit = cols[j].unit;
            put_cell(&r, row, &cols[j], val);
            if (r.failed) goto done;
        }
    }
    goto done;
nomem:
    csv_oom(&r);
done:
    free(r.f);
    free(cols);
    dh_idmap_free(&names);
    return r.failed ? NULL : rows;
}

/* `{csv: FILE, delimiter: ";"}`: the table's own keys. */
static const char *const csv_keys[] = {"csv", "delimiter"};

static void expand_one(case_ctx *ctx, cv_pair *table)
{
    cv_node *spec = table->value;
    cv_node *file = NULL;
    char delim = ',';
    for (size_t i = 0; i < spec->n; i++) {
        cv_pair *p = &spec->pairs[i];
        if (!strcmp(p->key, "csv")) {
            file = p->value;
        } else if (!strcmp(p->key, "delimiter")) {
            const char *d = p->value->kind == CV_SCALAR ? p->value->text : "";
            if (!strcmp(d, "tab") || !strcmp(d, "\\t") || !strcmp(d, "\t"))
                delim = '\t';
            else if (strlen(d) == 1 && d[0] != '"' && d[0] != '\n' && d[0] != '\r')
                delim = d[0];
            else
                case_error(ctx, DH_ERR_INPUT, &p->value->pos, NULL,
                           "%s: 'delimiter' is one character (',' ';' '|') or 'tab'", table->key);
        } else {
            const char *hint = dh_str_suggest(p->key, csv_keys, 2);
            case_error(ctx, DH_ERR_INPUT, &p->key_pos, NULL,
                       "%s: unknown key '%s' in a CSV table reference%s%s%s", table->key, p->key,
                       hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
        }
    }
    dh_srcpos pos = file ? file->pos : spec->pos;
    cv_node *rows = NULL;
    if (!file || file->kind != CV_SCALAR || !file->text[0]) {
        case_error(ctx, DH_ERR_INPUT, &pos, NULL, "%s: 'csv' needs a file name", table->key);
    } else {
        const char *path = file->text;
        char *joined = NULL;
        if (path[0] != '/' && ctx->dir[0]) {
            size_t n = strlen(ctx->dir) + strlen(path) + 2;
            joined = malloc(n);
            if (!joined) {
                case_error(ctx, DH_ERR_NOMEM, NULL, NULL, "out of memory");
                return;
            }
            snprintf(joined, n, "%s/%s", ctx->dir, path);
            path = joined;
        }
        size_t len = 0;
        char *buf = case_load_file(ctx, path, &pos, "CSV table", &len);
        if (buf) rows = case_csv_parse(ctx, buf, len, path, delim);
        free(buf);
        free(joined);
    }
    /* on failure the table becomes empty, so that only the real problem is reported */
    if (!rows) rows = cv_new(ctx, CV_SEQ, &pos);
    if (rows) {
        rows->pos = spec->pos;
        table->value = rows;
    }
}

void case_csv_expand(case_ctx *ctx, cv_node *root)
{
    if (!root || root->kind != CV_MAP) return;
    for (size_t i = 0; i < root->n; i++) {
        cv_pair *p = &root->pairs[i];
        if (p->value->kind == CV_MAP && cv_map_find(p->value, "csv")) expand_one(ctx, p);
    }
}
