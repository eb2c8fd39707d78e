/* test_wandb_chain.c - run ids (valid, new) and the grouping of offline
 * run directories into chains (wandb_chain.h). */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "wandb/wandb_chain.h"

static void test_valid(void)
{
	char long_id[EXL_WANDB_RUN_ID_MAX + 2];

	ok(exl_wandb_valid_run_id("a1b2c3d4") == 0, "8 of [a-z0-9] is valid");
	ok(exl_wandb_valid_run_id("My_Run_7") == 0, "letters, digits, _ are valid");
	ok(exl_wandb_valid_run_id("") < 0, "empty is refused");
	ok(exl_wandb_valid_run_id(NULL) < 0, "NULL is refused");
	ok(exl_wandb_valid_run_id("ab-cd") < 0, "'-' is refused (dir suffix)");
	ok(exl_wandb_valid_run_id("a/b") < 0, "'/' is refused");
	ok(exl_wandb_valid_run_id("a b") < 0, "a space is refused");
	ok(exl_wandb_valid_run_id("a%3a") < 0, "'%%' is refused");
	memset(long_id, 'a', sizeof(long_id) - 1);
	long_id[EXL_WANDB_RUN_ID_MAX] = '\0';
	ok(exl_wandb_valid_run_id(long_id) == 0, "%d characters are valid",
	   EXL_WANDB_RUN_ID_MAX);
	long_id[EXL_WANDB_RUN_ID_MAX] = 'a';
	long_id[EXL_WANDB_RUN_ID_MAX + 1] = '\0';
	ok(exl_wandb_valid_run_id(long_id) < 0, "one more is refused");
}

static void test_new(void)
{
	char a[16], b[16], small[4];
	int bad = 0, i;

	ok(exl_wandb_new_run_id(a, sizeof(a)) == 0, "a new id");
	is_int((long)strlen(a), EXL_WANDB_RUN_ID_LEN, "8 characters");
	for (i = 0; a[i]; i++)
		bad += !((a[i] >= 'a' && a[i] <= 'z') || (a[i] >= '0' && a[i] <= '9'));
	is_int(bad, 0, "all of [a-z0-9] (W&B's own alphabet)");
	ok(exl_wandb_valid_run_id(a) == 0, "a new id is valid");
	ok(exl_wandb_new_run_id(b, sizeof(b)) == 0 && strcmp(a, b) != 0,
	   "two new ids differ");
	ok(exl_wandb_new_run_id(small, sizeof(small)) < 0,
	   "a buffer too small is refused");
}

static void test_chains(void)
{
	/* discovery's order (by path); the chain abc in s1 has three links
	 * whose names sort differently from their start times */
	const struct exl_wandb_chain_in in[] = {
		{ "/r/s1/wandb/offline-run-20260101_100000-abc", "abc", 300 },
		{ "/r/s1/wandb/offline-run-20260101_110000-abc", "abc", 100 },
		{ "/r/s1/wandb/offline-run-20260101_120000-abc", "abc", 200 },
		{ "/r/s1/wandb/offline-run-20260101_130000-xyz", "xyz", 50 },
		{ "/r/s2/wandb/offline-run-20260101_100000-abc", "abc", 150 },
		{ "/r/s2/wandb/offline-run-20260101_110000-zz", NULL, 10 },
		{ "/r/s2/wandb/offline-run-20260101_120000-zz", NULL, 20 },
	};
	size_t n = sizeof(in) / sizeof(in[0]), order[7], c;
	struct exl_wandb_chain_pos pos[7];

	c = exl_wandb_chains(in, n, order, pos);
	is_int((long)c, 5, "5 chains: abc in s1, xyz, abc in s2, two without id");
	is_int((long)pos[1].chain, (long)pos[0].chain, "abc links share a chain");
	is_int((long)pos[2].chain, (long)pos[0].chain, "... all three");
	ok(pos[4].chain != pos[0].chain, "the same id in another dir is another run");
	ok(pos[5].chain != pos[6].chain, "runs without an id are never chained");
	is_int((long)pos[0].links, 3, "the chain has 3 links");
	is_int((long)pos[1].link, 1, "the earliest start is link 1");
	is_int((long)pos[2].link, 2, "then link 2");
	is_int((long)pos[0].link, 3, "the latest start is link 3, whatever its name");
	is_int((long)pos[3].links, 1, "xyz is a chain of 1");
	ok(order[0] == 1 && order[1] == 2 && order[2] == 0,
	   "order lists the chain's links in order");
	ok(order[3] == 3, "then the next chain");
	c = exl_wandb_chains(in, 0, order, pos);
	is_int((long)c, 0, "no runs, no chains");
}

static void test_ties(void)
{
	const struct exl_wandb_chain_in in[] = {
		{ "w/offline-run-20260101_100001-id1", "id1", 0 },
		{ "w/offline-run-20260101_100000-id1/", "id1", 0 },
	};
	size_t order[2];
	struct exl_wandb_chain_pos pos[2];

	is_int((long)exl_wandb_chains(in, 2, order, pos), 1,
	       "relative dirs, a trailing slash: one chain");
	is_int((long)pos[1].link, 1, "equal start times: ordered by path");
}

int main(void)
{
	test_valid();
	test_new();
	test_chains();
	test_ties();
	return done_testing();
}
