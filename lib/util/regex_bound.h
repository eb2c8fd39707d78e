/* regex_bound.h - refuse POSIX EREs whose cost glibc cannot bound.
 *
 * glibc's regcomp copies the sub-expression under "+" and "{n,m}" once per
 * repetition, so "e++++++++++++++++++++" or "(a{1,100}){1,100}" takes
 * memory and time exponential (or multiplicative) in the pattern, and
 * regexec's time grows with the copied tree.  A back-reference ("\1")
 * makes regexec backtrack.  Every pattern read from a config file is
 * checked here first: its size once glibc has expanded the repetitions is
 * estimated from the text, and a pattern over the bound is refused.
 */
#ifndef EXL_REGEX_BOUND_H
#define EXL_REGEX_BOUND_H

#include <stddef.h>

/* Longest pattern accepted, in bytes. */
#define EXL_REGEX_LEN_MAX 512
/* Most pattern items after glibc expands repetitions (see regex_bound.c
 * for the measured cost at this bound). */
#define EXL_REGEX_NODES_MAX 256

/* 0 when glibc's regcomp/regexec of the ERE pattern stay bounded;
 * else -1 and one line in why saying what to change. */
int exl_regex_bounded(const char *pattern, char *why, size_t len);

#endif
