/* Unit tests: Slurm host list expansion. */
#include <string.h>

#include "util/hostlist.h"
#include "tap.h"

static char *join(char **v, size_t n, char *buf, size_t len)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		strncat(buf, v[i], len - strlen(buf) - 2);
		strcat(buf, " ");
	}
	return buf;
}

int main(void)
{
	char **v, buf[512];
	size_t n;

	ok(exl_hostlist_expand("n[1-3]", 100, &v, &n) == 0, "range");
	is_str(join(v, n, buf, sizeof(buf)), "n1 n2 n3 ", "n1..n3");
	exl_hostlist_free(v, n);
	ok(exl_hostlist_expand("gpu-a[01-02,10],login1", 100, &v, &n) == 0, "list");
	is_str(join(v, n, buf, sizeof(buf)), "gpu-a01 gpu-a02 gpu-a10 login1 ",
	       "padding kept, plain names");
	exl_hostlist_free(v, n);
	ok(exl_hostlist_expand("r[1-2]n[1-2]", 100, &v, &n) == 0, "two brackets");
	is_str(join(v, n, buf, sizeof(buf)), "r1n1 r1n2 r2n1 r2n2 ", "product");
	exl_hostlist_free(v, n);
	ok(exl_hostlist_expand("n1", 100, &v, &n) == 0 && n == 1, "single");
	exl_hostlist_free(v, n);
	ok(exl_hostlist_expand("n[1-100000]", 4096, &v, &n) < 0, "too many");
	ok(exl_hostlist_expand("n[3-1]", 100, &v, &n) < 0, "backwards");
	ok(exl_hostlist_expand("n[1-", 100, &v, &n) < 0, "unclosed");
	ok(exl_hostlist_expand("n[a]", 100, &v, &n) < 0, "not a number");
	ok(exl_hostlist_expand("n[]", 100, &v, &n) < 0, "empty bracket refused");
	{
		/* n[1-2] forty times then []: 2^40 recursions before the
		 * names were counted first (issue 19, finding 2) */
		char bomb[300] = "";
		int i;

		for (i = 0; i < 40; i++)
			strcat(bomb, "n[1-2]");
		ok(exl_hostlist_expand(bomb, 4096, &v, &n) < 0,
		   "2^40 names refused before expanding");
		strcat(bomb, "[]");
		ok(exl_hostlist_expand(bomb, 4096, &v, &n) < 0,
		   "2^40 x empty bracket refused at once");
		ok(exl_hostlist_expand("a[1-3],b[1-2]", 4, &v, &n) < 0,
		   "limit counts over all items");
	}
	ok(exl_hostlist_expand("", 100, &v, &n) == 0 && n == 0, "empty");
	exl_hostlist_free(v, n);
	return done_testing();
}
