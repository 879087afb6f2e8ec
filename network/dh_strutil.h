/* dh_strutil.h: small string helpers shared by the reader and the network builder:
 * an id hash table (string -> index) and "did you mean" suggestions. */
#ifndef DH_STRUTIL_H
#define DH_STRUTIL_H

#include <stddef.h>

/* Open-addressing hash of borrowed strings to indices. The strings must outlive the table. */
typedef struct dh_idmap {
    const char **keys;
    size_t *values;
    size_t mask; /* capacity - 1 (capacity a power of two) */
    size_t count;
} dh_idmap;

/* Capacity for `expected` keys (grows as needed). Returns 0 ok, -1 out of memory. */
int dh_idmap_init(dh_idmap *map, size_t expected);
void dh_idmap_free(dh_idmap *map);
/* Inserts key -> value. Returns 0 when inserted, 1 when the key was already there (*existing
 * gets its value, the map is unchanged), -1 out of memory. */
int dh_idmap_put(dh_idmap *map, const char *key, size_t value, size_t *existing);
/* Value of key, or (size_t)-1 when absent. */
size_t dh_idmap_get(const dh_idmap *map, const char *key);

/* Levenshtein distance, capped: returns a value > cap as soon as the distance exceeds cap. */
size_t dh_str_distance(const char *a, const char *b, size_t cap);
/* The candidate closest to `word` if it is close enough to be a likely typo
 * (distance <= max(1, strlen(word)/3)), else NULL. Candidates may contain NULLs. */
const char *dh_str_suggest(const char *word, const char *const *candidates, size_t n);

#endif
