/* Unit tests: the statepoint string splitter (pairs.h). */
#include <stdio.h>
#include <string.h>

#include "util/pairs.h"
#include "tap.h"

/* collect: "key:val;" for each pair; stops after stop_at pairs. */
struct seen {
	char buf[256];
	int n, stop_at;
};

static int collect(void *arg, const char *key, const char *val)
{
	struct seen *s = arg;
	size_t len = strlen(s->buf);

	snprintf(s->buf + len, sizeof(s->buf) - len, "%s:%s;", key, val);
	return ++s->n == s->stop_at ? 7 : 0;
}

static const char *walk(const char *pairs, int stop_at, int *rc)
{
	static struct seen s;

	memset(&s, 0, sizeof(s));
	s.stop_at = stop_at;
	*rc = exl_pairs_each(pairs, collect, &s);
	return s.buf;
}

int main(void)
{
	int rc;

	is_str(walk("lr=0.1,bs=8", 0, &rc), "lr:0.1;bs:8;", "two pairs in order");
	is_int(rc, 0, "returns 0");
	is_str(walk("a=b=c", 0, &rc), "a:b=c;", "the value keeps later '='");
	is_str(walk("a=,b=1", 0, &rc), "a:;b:1;", "an empty value is kept");
	is_str(walk("=x,noeq,,c=3", 0, &rc), "c:3;",
	       "no name, no '=' and empty items are skipped");
	is_str(walk("", 0, &rc), "", "empty string: nothing");
	is_str(walk(NULL, 0, &rc), "", "NULL: nothing");
	is_int(rc, 0, "NULL returns 0");
	is_str(walk("a=1,b=2,c=3", 2, &rc), "a:1;b:2;", "fn stops the walk");
	is_int(rc, 7, "with its result");
	return done_testing();
}
