/* record_types.h - the field types of run.json's record (run_record.h):
 * optional scalars, string maps, record lists, and their helpers
 * (implemented in record_codec.c). */
#ifndef EXL_RECORD_TYPES_H
#define EXL_RECORD_TYPES_H

#include <stddef.h>

/* Optional scalars: set is 0 when the key is absent. */
struct exl_rr_int {
	int set;
	long long v;
};

struct exl_rr_num {
	int set;
	double v;
};

struct exl_rr_bool {
	int set;
	int v;
};

/* A JSON object of strings, in the order its keys were first set. */
struct exl_rr_map {
	int present;		/* written even when empty */
	size_t n;
	char **key, **val;
};

/* A list of records (jobs, environment captures); see the accessors. */
struct exl_rr_list {
	int present;
	size_t n;
	void **v;
};

/* Set *dst to a copy of v (NULL: unset).  -1 when out of memory. */
int exl_rr_str_set(char **dst, const char *v);

static inline void exl_rr_int_set(struct exl_rr_int *i, long long v)
{
	i->set = 1;
	i->v = v;
}

static inline long long exl_rr_int_or(const struct exl_rr_int *i,
				      long long dflt)
{
	return i->set ? i->v : dflt;
}

/* The value of key, NULL when unset. */
const char *exl_rr_map_get(const struct exl_rr_map *m, const char *key);

/* Set key to val (a new key goes last).  -1 when out of memory. */
int exl_rr_map_set(struct exl_rr_map *m, const char *key, const char *val);

/* Free what m holds and zero it. */
void exl_rr_map_free(struct exl_rr_map *m);

/* "k=v,k2=v2" (--exp-statepoints) into m; pairs without '=' are
 * skipped.  -1 when out of memory. */
int exl_rr_map_from_pairs(struct exl_rr_map *m, const char *pairs);

#endif
