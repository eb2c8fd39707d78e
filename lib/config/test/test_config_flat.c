/* Unit tests: the flat user configuration a dropped child sends back
 * (config_flat.h): pack, the parent's check of hostile structs, apply,
 * and loading a user file in a dropped child. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config_flat.h"
#include "util/fileio.h"
#include "tap.h"

static char dir[] = "/tmp/exl-flat-XXXXXX";
static struct exl_config_flat f, g;

static void put(const char *name, const char *text)
{
	struct exl_err err;

	if (exl_write_atomic(tap_path(dir, name), text, strlen(text), 0644,
			     &err) < 0) {
		printf("Bail out! %s\n", err.text);
		exit(1);
	}
}

/* load: defaults + site text + user text, as one process. */
static void load(struct exl_config *c, const char *site, const char *user)
{
	struct exl_config_problems probs;

	memset(&probs, 0, sizeof(probs));
	put("site.yaml", site);
	put("user.yaml", user);
	exl_config_load(c, tap_path(dir, "site.yaml"),
			tap_path(dir, "user.yaml"), &probs);
}

/* refused: check g (a copy of f, changed by the caller) and want a
 * refusal whose message contains what. */
static void refused(const struct exl_config *site, const char *what,
		    const char *name)
{
	struct exl_err err;
	int rc;

	exl_err_clear(&err);
	rc = exl_config_flat_check(&g, site, &err);
	ok(rc < 0 && strstr(err.text, what), "refused: %s (%s)", name,
	   err.text);
}

static void test_pack_check_apply(void)
{
	struct exl_config site, c, back;
	struct exl_config_problems probs;
	struct exl_err err;

	memset(&c, 0, sizeof(c));
	load(&c, "allowed_roots: [/scratch]\n",
	     "defaults:\n  log_dir: /scratch/me\n  group: g1\n"
	     "  mode: pipeline:prep\nstatus:\n  interval: 5m\n"
	     "  errors: ['OOM', 'nan loss']\n  patterns:\n    loss: null\n"
	     "checkpoints: ['ck/*.pt']\nwandb:\n  mode: offline\n"
	     "data:\n  hash: true\n  hash_max: 1M\n");
	memset(&probs, 0, sizeof(probs));
	probs.count = 1;
	snprintf(probs.msg[0], sizeof(probs.msg[0]), "u.yaml:3: x: bad");
	is_int(exl_config_flat_pack(&c, &probs, &f, &err), 0, "pack");
	is_str(f.log_dir, "/scratch/me", "log_dir packed");
	is_int(f.n_error_patterns, 2, "two error patterns");
	ok(!(f.set & EXL_CFG_FLAT_LOSS) && !f.pattern_loss[0],
	   "a null pattern stays clear");
	is_int(f.status_interval, 300, "interval packed");

	memset(&site, 0, sizeof(site));
	memset(&probs, 0, sizeof(probs));
	put("site.yaml", "allowed_roots: [/scratch]\n");
	is_int(exl_config_load_site(&site, tap_path(dir, "site.yaml"), &probs),
	       0, "site file alone");
	is_int(exl_config_flat_check(&f, &site, &err), 0, "honest struct passes");

	memset(&back, 0, sizeof(back));
	put("s2.yaml", "allowed_roots: [/scratch]\n");
	exl_config_load_site(&back, tap_path(dir, "s2.yaml"), NULL);
	is_int(exl_config_flat_apply(&back, &f), 0, "apply");
	is_str(back.log_dir, "/scratch/me", "log_dir applied");
	is_str(back.mode, "pipeline:prep", "mode applied");
	ok(back.pattern_loss == NULL, "loss pattern off");
	is_int((long long)back.n_error_patterns, 2, "error list replaced");
	is_str(back.error_patterns[1], "nan loss", "error pattern applied");
	is_int(back.hash_data_max, 1 << 20, "hash_max applied");
	is_int((long long)back.n_allowed_roots, 1, "site roots kept");
	exl_config_free(&back);

	/* crafted structs: each a copy of the honest one with one fault */
	g = f;
	memset(g.log_dir, 'a', sizeof(g.log_dir));
	refused(&site, "defaults.log_dir", "unterminated log_dir");
	g = f;
	memset(g.pattern_step, 'x', sizeof(g.pattern_step));
	refused(&site, "status.patterns.step", "unterminated pattern");
	g = f;
	snprintf(g.log_dir, sizeof(g.log_dir), "/etc/cron.d");
	refused(&site, "outside the allowed run-log roots",
		"log_dir outside the site's allowed_roots");
	g = f;
	snprintf(g.log_dir, sizeof(g.log_dir), "/scratch/../etc");
	refused(&site, "'..'", "log_dir with '..'");
	g = f;
	g.n_error_patterns = EXL_CFG_FLAT_LIST + 1;
	refused(&site, "status.errors", "too many error patterns");
	g = f;
	g.n_checkpoint_patterns = 2;
	refused(&site, "checkpoints[1]", "an empty list entry");
	g = f;
	snprintf(g.checkpoint_patterns[0], EXL_CFG_FLAT_TEXT, "/etc/*");
	refused(&site, "checkpoints[0]", "an absolute checkpoint glob");
	g = f;
	snprintf(g.wandb_mode, sizeof(g.wandb_mode), "online");
	refused(&site, "wandb.mode", "a W&B mode outside the enum");
	g = f;
	snprintf(g.mode, sizeof(g.mode), "weird");
	refused(&site, "defaults.mode", "a bad mode");
	g = f;
	snprintf(g.group, sizeof(g.group), "../x");
	refused(&site, "defaults.group", "a bad group");
	g = f;
	g.set &= ~EXL_CFG_FLAT_GROUP;
	refused(&site, "without its set bit", "a value without its bit");
	g = f;
	g.set |= 0x8000;
	refused(&site, "unknown fields", "an unknown set bit");
	g = f;
	g.magic = 0;
	refused(&site, "not a flat", "a wrong magic");
	g = f;
	g.status_interval = -1;
	refused(&site, "status.interval", "a negative interval");
	g = f;
	g.hash_data = 7;
	refused(&site, "data.hash", "a hash flag outside 0/1");
	g = f;
	g.error_patterns[0][0] = '\n';
	refused(&site, "status.errors[0]", "a control character");
	g = f;
	memset(g.probs.msg[5], 'p', sizeof(g.probs.msg[5]));
	refused(&site, "problem 5", "an unterminated problem line");
	exl_config_free(&site);
	exl_config_free(&c);
}

static void test_too_many(void)
{
	struct exl_config c;
	struct exl_err err;
	char *yaml = malloc(16 * (EXL_CFG_FLAT_LIST + 2) + 64);
	size_t n = 0;
	int i;

	if (!yaml)
		tap_bail("malloc");
	n += (size_t)sprintf(yaml, "checkpoints:\n");
	for (i = 0; i <= EXL_CFG_FLAT_LIST; i++)
		n += (size_t)sprintf(yaml + n, "  - c%d/*\n", i);
	memset(&c, 0, sizeof(c));
	load(&c, "", yaml);
	ok(exl_config_flat_pack(&c, NULL, &f, &err) < 0 &&
	   strstr(err.text, "checkpoints: more than"),
	   "a list that does not fit is refused when packed (%s)", err.text);
	exl_config_free(&c);
	free(yaml);
}

/* A user file that only root may read: the dropped child cannot, so it
 * is one problem line, never read with root's rights. */
static void test_as_user(void)
{
	struct exl_config c;
	struct exl_config_problems probs;
	struct exl_config_user u = { .uid = 65534, .gid = 65534,
				     .timeout_s = 30 };
	int rc;

	put("site.yaml", "status:\n  interval: 1h\n");
	put("user.yaml", "status:\n  interval: 2h\n");
	if (geteuid() != 0) {
		memset(&c, 0, sizeof(c));
		memset(&probs, 0, sizeof(probs));
		u.uid = geteuid();
		u.gid = getegid();
		rc = exl_config_load_as_user(&c, tap_path(dir, "site.yaml"),
					     tap_path(dir, "user.yaml"), &u,
					     &probs);
		ok(rc == 0 && c.status_interval == 7200,
		   "as the caller: the user file applies");
		exl_config_free(&c);
		diag("not root: the dropped child is not tried");
		return;
	}
	if (chmod(dir, 0755) < 0)
		tap_bail("chmod");
	chmod(tap_path(dir, "site.yaml"), 0644);
	chmod(tap_path(dir, "user.yaml"), 0644);
	memset(&c, 0, sizeof(c));
	memset(&probs, 0, sizeof(probs));
	rc = exl_config_load_as_user(&c, tap_path(dir, "site.yaml"),
				     tap_path(dir, "user.yaml"), &u, &probs);
	ok(rc == 0 && c.status_interval == 7200,
	   "a readable user file applies through the child");
	exl_config_free(&c);

	if (chmod(tap_path(dir, "user.yaml"), 0600) < 0)
		tap_bail("chmod");
	memset(&c, 0, sizeof(c));
	memset(&probs, 0, sizeof(probs));
	rc = exl_config_load_as_user(&c, tap_path(dir, "site.yaml"),
				     tap_path(dir, "user.yaml"), &u, &probs);
	ok(rc < 0 && probs.count == 1 &&
	   strstr(probs.msg[0], "Permission denied") &&
	   !strchr(probs.msg[0], '\n'),
	   "a root-only user file is one problem line: %s", probs.msg[0]);
	is_int(c.status_interval, 3600, "and the site's value stays");
	exl_config_free(&c);
}

/* In the caller's own process (sbatch: the caller is the user already),
 * a refused user file leaves the caller's view as the site file made it:
 * nothing of it applies, as in the job. */
static void test_in_process_refused(void)
{
	struct exl_config c;
	struct exl_config_problems probs;
	struct exl_config_user u = { .uid = getuid(), .gid = getgid(),
				     .timeout_s = 30 };
	char site[600];
	int rc;

	if (geteuid() != getuid()) {
		diag("setuid: the in-process case is not tried");
		return;
	}
	snprintf(site, sizeof(site), "defaults:\n  mode: replication\n"
		 "allowed_roots:\n  - %s/allowed\n", dir);
	put("site2.yaml", site);
	put("user2.yaml", "defaults:\n  log_dir: /tmp\n  mode: experiment\n"
	    "status:\n  interval: 2h\n");
	memset(&c, 0, sizeof(c));
	memset(&probs, 0, sizeof(probs));
	rc = exl_config_load_as_user(&c, tap_path(dir, "site2.yaml"),
				     tap_path(dir, "user2.yaml"), &u, &probs);
	ok(rc < 0 && probs.count == 1 && strstr(probs.msg[0], "refused"),
	   "in process: a user log_dir outside allowed_roots is refused: %s",
	   probs.msg[0]);
	is_str(c.mode, "replication", "in process: the site's mode stays");
	ok(c.status_interval != 7200, "in process: the user interval is not taken");
	exl_config_free(&c);
}

/* The in_child hook of test_no_user_file: one byte down a pipe, seen
 * whether the reader ran in this process or in a child. */
static int mark_pipe[2];

static void hook_mark(void *arg)
{
	(void)arg;
	if (write(mark_pipe[1], "x", 1) != 1)
		diag("couldn't mark the reader");
}

/* marked: did the reader run since the last look? */
static int marked(void)
{
	char b[8];
	int n = 0;

	while (read(mark_pipe[0], b, sizeof(b)) > 0)
		n = 1;
	return n;
}

/* load_as: exl_config_load_as_user with the effective ids of u (as in
 * slurmstepd's user_init: the saved uid stays root's) when run as
 * root.  Returns its status interval, -1 when the load failed. */
static long load_as(const struct exl_config_user *u, const char *user)
{
	struct exl_config c;
	struct exl_config_problems probs;
	long iv;
	int rc, root = geteuid() == 0;

	memset(&c, 0, sizeof(c));
	memset(&probs, 0, sizeof(probs));
	if (root && (setegid(u->gid) < 0 || seteuid(u->uid) < 0))
		tap_bail("seteuid");
	rc = exl_config_load_as_user(&c, tap_path(dir, "site.yaml"),
				     tap_path(dir, user), u, &probs);
	if (root && (seteuid(0) < 0 || setegid(0) < 0))
		tap_bail("seteuid back");
	iv = rc == 0 ? (long)c.status_interval : -1;
	exl_config_free(&c);
	return iv;
}

/* No user file: the site view, and no reader forked to find nothing
 * (one fork less in every job step); a user file still goes through
 * the reader. */
static void test_no_user_file(void)
{
	int root = geteuid() == 0;
	struct exl_config_user u = {
		.uid = root ? 65534 : geteuid(),
		.gid = root ? 65534 : getegid(),
		.timeout_s = 30, .in_child = hook_mark,
	};

	if (pipe2(mark_pipe, O_NONBLOCK | O_CLOEXEC) < 0)
		tap_bail("pipe");
	put("site.yaml", "status:\n  interval: 1h\n");
	put("user.yaml", "status:\n  interval: 2h\n");
	if (chmod(dir, 0755) < 0 ||
	    chmod(tap_path(dir, "site.yaml"), 0644) < 0 ||
	    chmod(tap_path(dir, "user.yaml"), 0644) < 0)
		tap_bail("chmod");
	is_int(load_as(&u, "absent.yaml"), 3600,
	       "no user file: the site's view");
	ok(!marked(), "no user file: no reader started");
	is_int(load_as(&u, "user.yaml"), 7200, "a user file applies");
	ok(marked(), "a user file: read by the reader");
	close(mark_pipe[0]);
	close(mark_pipe[1]);
}

int main(void)
{
	char cmd[300];

	if (!mkdtemp(dir))
		tap_bail("mkdtemp");
	test_pack_check_apply();
	test_too_many();
	test_as_user();
	test_in_process_refused();
	test_no_user_file();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("couldn't remove %s", dir);
	return done_testing();
}
