/* dh_strutil.c: id hash table and typo suggestions (see dh_strutil.h). */
#include "dh_strutil.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash_fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

int dh_idmap_init(dh_idmap *map, size_t expected)
{
    size_t cap = 16;
    while (cap < 2 * expected + 1) cap *= 2;
    map->keys = calloc(cap, sizeof *map->keys);
    map->values = calloc(cap, sizeof *map->values);
    map->mask = cap - 1;
    map->count = 0;
    if (!map->keys || !map->values) {
        dh_idmap_free(map);
        return -1;
    }
    return 0;
}

void dh_idmap_free(dh_idmap *map)
{
    free(map->keys);
    free(map->values);
    memset(map, 0, sizeof *map);
}

static int idmap_grow(dh_idmap *map)
{
    dh_idmap bigger;
    if (dh_idmap_init(&bigger, (map->mask + 1)) != 0) return -1;
    for (size_t i = 0; i <= map->mask; i++)
        if (map->keys[i]) dh_idmap_put(&bigger, map->keys[i], map->values[i], NULL);
    dh_idmap_free(map);
    *map = bigger;
    return 0;
}

int dh_idmap_put(dh_idmap *map, const char *key, size_t value, size_t *existing)
{
    if (!map->keys) return -1;
    if (2 * (map->count + 1) > map->mask + 1 && idmap_grow(map) != 0) return -1;
    size_t i = (size_t)hash_fnv1a(key) & map->mask;
    while (map->keys[i]) {
        if (!strcmp(map->keys[i], key)) {
            if (existing) *existing = map->values[i];
            return 1;
        }
        i = (i + 1) & map->mask;
    }
    map->keys[i] = key;
    map->values[i] = value;
    map->count++;
    return 0;
}

size_t dh_idmap_get(const dh_idmap *map, const char *key)
{
    if (!map->keys || !key) return (size_t)-1;
    size_t i = (size_t)hash_fnv1a(key) & map->mask;
    while (map->keys[i]) {
        if (!strcmp(map->keys[i], key)) return map->values[i];
        i = (i + 1) & map->mask;
    }
    return (size_t)-1;
}

size_t dh_str_distance(const char *a, const char *b, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if ((la > lb ? la - lb : lb - la) > cap) return cap + 1;
    if (lb > 127) return cap + 1;
    size_t row[128];
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0], best = row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t sub = diag + (a[i - 1] != b[j - 1]);
            size_t v = up + 1 < row[j - 1] + 1 ? up + 1 : row[j - 1] + 1;
            row[j] = v < sub ? v : sub;
            diag = up;
            if (row[j] < best) best = row[j];
        }
        if (best > cap) return cap + 1;
    }
    return row[lb];
}

const char *dh_str_suggest(const char *word, const char *const *candidates, size_t n)
{
    if (!word) return NULL;
    size_t cap = strlen(word) / 3;
    if (cap < 1) cap = 1;
    const char *best = NULL;
    size_t best_d = cap + 1;
    for (size_t i = 0; i < n; i++) {
        if (!candidates[i]) continue;
        size_t d = dh_str_distance(word, candidates[i], cap);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best;
}
