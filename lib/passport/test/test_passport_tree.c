/* Unit tests: scanning a checkpoint tree, symlink escapes, safe opens. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "passport_fixture.h"
#include "passport/passport_tree.h"
#include "tap.h"

static void path_table(void)
{
	static const struct { const char *p; int ok; } t[] = {
		{ "a", 1 }, { "a/b.safetensors", 1 }, { "d\xc3\xa9j\xc3\xa0/x", 1 },
		{ ".hidden/.x", 1 }, { "a..b/c", 1 },
		{ "", 0 }, { "/etc/passwd", 0 }, { "a/../b", 0 }, { "..", 0 },
		{ "./a", 0 }, { "a//b", 0 }, { "a/", 0 }, { "a\nb", 0 },
		{ "a\x7f", 0 }, { "\xff", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is_int(passport_path_check(t[i].p, NULL) == 0, t[i].ok,
		       "path check case %zu", i);
}

static const struct passport_entry *get(const struct passport_list *l,
					const char *path)
{
	return passport_list_find(l, path);
}

static void scan_tree(void)
{
	static const char *const order[] = {
		"MODEL_PASSPORT.json.tmp", "a.bin", "abs", "climb", "dotlink",
		"fifo", "link-in", "link-out", "loopa", "loopb",
		"sub/MODEL_PASSPORT.json", "sub/a", "sub/deeper/z", "sub/up",
		"z-empty",
	};
	struct passport_list l;
	struct exl_err err;
	size_t i;
	int fd;

	fx_clean();
	fx_write_str("a.bin", "weights");
	fx_write_str("sub/a", "A");
	fx_write_str("sub/deeper/z", "zz");
	fx_write_str("sub/MODEL_PASSPORT.json", "{}");
	fx_write_str("MODEL_PASSPORT.json", "{}");
	fx_write_str("MODEL_PASSPORT.json.tmp", "");
	fx_write_str("SIGNOFF.json", "{}");
	fx_write_str("z-empty", "");
	mkdir(fx("emptydir"), 0755);
	ok(symlink("sub/a", fx("link-in")) == 0 &&
	   symlink("../outside", fx("link-out")) == 0 &&
	   symlink("/etc/passwd", fx("abs")) == 0 &&
	   symlink(".", fx("dotlink")) == 0 &&
	   symlink("dotlink/../x", fx("climb")) == 0 &&
	   symlink("loopb", fx("loopa")) == 0 &&
	   symlink("loopa", fx("loopb")) == 0 &&
	   symlink("../sub/a", fx("sub/up")) == 0 &&
	   mkfifo(fx("fifo"), 0644) == 0, "tree built");
	fd = open(fx_root, O_RDONLY | O_DIRECTORY);
	ok(passport_scan(fd, fx_root, &l, &err) == 0, "scan");
	is_int(l.n, sizeof(order) / sizeof(order[0]), "entry count");
	for (i = 0; i < l.n && i < sizeof(order) / sizeof(order[0]); i++)
		is_str(l.v[i].path, order[i], "sorted entry %zu", i);
	ok(!get(&l, "MODEL_PASSPORT.json") && !get(&l, "SIGNOFF.json"),
	   "top-level passport and signoff are not entries");
	ok(get(&l, "a.bin")->kind == PASSPORT_REG && get(&l, "a.bin")->size == 7,
	   "regular file with size");
	is_str(get(&l, "link-in")->target, "sub/a", "link target recorded");
	ok(!get(&l, "link-in")->escapes, "link inside stays inside");
	ok(!get(&l, "sub/up")->escapes, "../ back into the tree is inside");
	ok(get(&l, "link-out")->escapes, "../ out of the tree escapes");
	ok(get(&l, "abs")->escapes, "absolute target escapes");
	ok(!get(&l, "dotlink")->escapes, "link to the top itself is inside");
	ok(get(&l, "climb")->escapes, "escape through a link to '.' is caught");
	ok(get(&l, "loopa")->escapes && get(&l, "loopb")->escapes,
	   "link loop is refused like an escape");
	ok(get(&l, "fifo")->kind == PASSPORT_OTHER &&
	   strcmp(get(&l, "fifo")->what, "FIFO") == 0, "FIFO is an other entry");
	passport_list_free(&l);

	errno = 0;
	ok(passport_open_beneath(fd, "sub/a", O_RDONLY) >= 0, "open below");
	ok(passport_open_beneath(fd, "link-in", O_RDONLY) < 0 && errno == ELOOP,
	   "a symlink as last component is not followed");
	ok(symlink("sub", fx("linkdir")) == 0, "symlinked directory");
	ok(passport_open_beneath(fd, "linkdir/a", O_RDONLY) < 0,
	   "a symlinked directory in the path is not followed");
	ok(passport_open_beneath(fd, "../etc/passwd", O_RDONLY) < 0 &&
	   errno == EINVAL, "'..' refused");
	ok(passport_open_beneath(fd, "/etc/passwd", O_RDONLY) < 0 &&
	   errno == EINVAL, "absolute path refused");
	close(fd);
}

static void scan_errors(void)
{
	struct passport_list l;
	struct exl_err err;
	char deep[4096] = "";
	int fd, i;

	fx_clean();
	fx_write_str("bad\nname", "x");
	fd = open(fx_root, O_RDONLY | O_DIRECTORY);
	ok(passport_scan(fd, fx_root, &l, &err) < 0 &&
	   strstr(err.text, "bad?name: unusable file name (control character"),
	   "control character in a name: error shows it safely");
	diag("%s", err.text);
	close(fd);

	fx_clean();
	for (i = 0; i < PASSPORT_MAX_DEPTH + 2; i++)
		strcat(deep, "d/");
	strcat(deep, "f");
	fx_write_str(deep, "x");
	fd = open(fx_root, O_RDONLY | O_DIRECTORY);
	ok(passport_scan(fd, fx_root, &l, &err) < 0 &&
	   strstr(err.text, "nested deeper than"), "too deep a tree refused");
	close(fd);

	fx_clean();
	fx_write_str("locked/f", "x");
	chmod(fx("locked"), 0);
	fd = open(fx_root, O_RDONLY | O_DIRECTORY);
	if (geteuid() == 0) {
		ok(1, "unreadable directory # SKIP root reads everything");
	} else {
		ok(passport_scan(fd, fx_root, &l, &err) < 0 &&
		   strstr(err.text, "locked: couldn't open the directory: Permission denied"),
		   "unreadable directory is an error naming it");
	}
	close(fd);
	chmod(fx("locked"), 0755);
}

int main(void)
{
	if (fx_start() < 0)
		return 1;
	path_table();
	scan_tree();
	scan_errors();
	is_int(passport_sha256_hex_ok("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
	       1, "sha256 hex");
	is_int(passport_sha256_hex_ok("E3B0C44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
	       0, "uppercase hex refused");
	is_int(passport_sha256_hex_ok("e3b0"), 0, "short hex refused");
	fx_finish();
	return done_testing();
}
