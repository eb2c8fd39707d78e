/* pairs.h - the statepoint string "k1=v1,k2=v2" (--exp-sp, a sweep
 * task's map entry, run.json's statepoints), split in one place.
 *
 * Items are separated by ','; an item without '=' or with an empty name
 * is skipped; the value is everything after the first '=' (it may hold
 * more '=', and may be empty).
 */
#ifndef EXL_PAIRS_H
#define EXL_PAIRS_H

/* Called for each pair in order; a non-zero return stops the walk. */
typedef int (*exl_pair_fn)(void *arg, const char *key, const char *val);

/* Walk pairs (NULL: none), calling fn(arg, key, val) for each.
 * Returns 0, fn's non-zero result, or -1 when out of memory. */
int exl_pairs_each(const char *pairs, exl_pair_fn fn, void *arg);

#endif
