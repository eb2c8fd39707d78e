/* cmd_publish.c - `runlog publish RUN --out DIR`: a sanitized
 * TRAINING_LOG.md and a README.md model-card skeleton, only for a
 * checkpoint whose passport and signoff verify. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "runstore/ckpt_state.h"
#include "cli/cli.h"
#include "util/fileio.h"
#include "util/jsonfile.h"
#include "runstore/layout.h"
#include "runstore/model_card.h"
#include "rl_spawn.h"
#include "runlog.h"
#include "runstore/runlog_summary.h"
#include "config/config.h"
#include "runstore/sanitize.h"
#include "runstore/runlog_keys.h"

static const char usage[] =
"Usage: runlog publish RUN --out DIR [--force] [--passport PATH]\n"
"                      [--rules FILE] [--node-pattern REGEX]\n"
"                      [--submit-dir DIR]\n"
"\n"
"Write DIR/TRAINING_LOG.md (RUN with job ids, node names, home, scratch\n"
"and other cluster paths and W&B run ids removed; dynamics, config and\n"
"W&B URLs kept) and DIR/README.md (a model-card skeleton).  Refuses\n"
"unless `passport verify --require-signoff CKPT_DIR` passes for the\n"
"checkpoint named in the run's Results.\n"
"\n"
"  -o, --out DIR          where to write (created if missing)\n"
"  -f, --force            replace existing files in DIR\n"
"      --passport PATH    the passport program (default: passport in PATH)\n"
"      --rules FILE       extra rules, one \"REGEX<TAB>REPLACEMENT\" a line\n"
"                         (regex as in exp-log.yaml(5): PCRE2 with limits,\n"
"                         \\1..\\9 in the replacement), applied before the\n"
"                         built-in ones\n"
"      --node-pattern RE  node names to remove besides the log's own\n"
"      --submit-dir DIR   paths below DIR become relative (default: the\n"
"                         run's submit directory from its sidecar)\n"
"  -h, --help             this help\n"
"\n"
"Exit status: 0 written, 1 refused (no checkpoint, passport check\n"
"failed, files exist), 2 usage, 3 error.\n";

/* How long `passport verify` may take (it hashes the weights). */
#define VERIFY_TIMEOUT (6 * 3600)

struct pub_opts {
	const char *out, *passport, *rules, *node_pattern, *submit_dir;
	int force;
};

static int parse(int argc, char **argv, struct pub_opts *o)
{
	static const struct option lo[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "passport", required_argument, NULL, 'P' },
		{ "rules", required_argument, NULL, 'R' },
		{ "node-pattern", required_argument, NULL, 'N' },
		{ "submit-dir", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->passport = "passport";
	optind = 0;	/* glibc: reinitialise (main used "+") */
	while ((ch = getopt_long(argc, argv, ":o:fh", lo, NULL)) != -1) {
		switch (ch) {
		case 'o':
			o->out = optarg;
			break;
		case 'f':
			o->force = 1;
			break;
		case 'P':
			o->passport = optarg;
			break;
		case 'R':
			o->rules = optarg;
			break;
		case 'N':
			o->node_pattern = optarg;
			break;
		case 'S':
			o->submit_dir = optarg;
			break;
		case 'h':
			return -1;
		default:
			return cli_bad_option(ch, argv, "publish");
		}
	}
	if (argc == optind)
		return cli_missing("publish", "RUN", usage);
	if (argc - optind != 1)
		return rl_usage("publish", "give one RUN");
	if (!o->out)
		return rl_usage("publish", "--out DIR is required");
	return 0;
}

/* submit_dir: the run's submit directory from its run.json, else the
 * directory holding the root. */
static void submit_dir(const struct rl_run *run, char *out, size_t len)
{
	size_t nl = strlen(run->name);
	char *stem = strndup(run->name, nl > 3 ? nl - 3 : nl);
	struct exl_run_record r = { 0 };
	const char *v = stem && rl_run_record(run->root, rl_group(run), stem,
					      &r, NULL) == 0 ? r.submit_dir :
					      NULL;

	if (v && v[0] == '/')
		snprintf(out, len, "%s", v);
	else
		rl_base_dir(run->root, out, len);
	exl_run_record_free(&r);
	free(stem);
}

/* gate: `passport verify --require-signoff CKPT_DIR`.  0 passed, else
 * the exit code to return (after a message). */
static int gate(const struct pub_opts *o, const char *text, const char *base)
{
	struct exl_run_summary s;
	char dir[RL_PATH];
	char *argv[5];
	int st;

	if (exl_summary_parse(text, strlen(text), &s) < 0) {
		cli_err("out of memory");
		return EXL_EXIT_ERROR;
	}
	st = exl_ckpt_dir(s.checkpoint, base, dir, sizeof(dir));
	exl_summary_free(&s);
	if (st < 0) {
		cli_err("refusing to publish: no checkpoint in the run's Results: "
			"record \"- " EXL_K_CHECKPOINT ": `PATH`\" first");
		return EXL_EXIT_CHECK;
	}
	argv[0] = (char *)o->passport;
	argv[1] = "verify";
	argv[2] = "--require-signoff";
	argv[3] = dir;
	argv[4] = NULL;
	st = rl_spawn(argv, VERIFY_TIMEOUT, NULL, NULL, NULL);
	if (st == -1 && errno == ENOENT) {
		cli_err("refusing to publish: %s not found: install exp-log's "
			"passport tool or give --passport PATH", o->passport);
		return EXL_EXIT_ERROR;
	}
	if (st == -1) {
		cli_err("couldn't run %s: %s", o->passport, strerror(errno));
		return EXL_EXIT_ERROR;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		cli_err("refusing to publish: `%s verify --require-signoff %s` "
			"failed: generate MODEL_PASSPORT.json and SIGNOFF.json for "
			"the checkpoint (and fix what passport reported) first",
			o->passport, dir);
		return EXL_EXIT_CHECK;
	}
	return 0;
}

/* config_rules: the site's and the user's sanitize rules (exp-log.yaml),
 * applied first, in the order the files give them.  A problem in a file
 * is shown and that file's rules are skipped, like everywhere else. */
static int config_rules(struct exl_sanitizer *s, struct exl_err *err)
{
	struct exl_config_problems probs;
	struct exl_config c;
	const char *site = getenv("EXP_LOG_SITE_CONFIG");
	size_t i;
	int rc = 0;

	memset(&probs, 0, sizeof(probs));
	exl_config_load(&c, site, NULL, &probs);
	for (i = 0; i < probs.count && i < EXL_CONFIG_PROBLEMS_MAX; i++)
		cli_err("%s", probs.msg[i]);
	for (i = 0; rc == 0 && i < c.n_sanitize; i++)
		rc = exl_san_add_regex(s, c.sanitize[i].pattern,
				       c.sanitize[i].replacement, 0,
				       "exp-log.yaml sanitize rule", err);
	exl_config_free(&c);
	return rc;
}

/* sanitize: TRAINING_LOG.md and README.md texts. */
static int sanitize(const struct pub_opts *o, const char *text,
		    const char *sdir, char **log, char **card)
{
	struct exl_sanitizer s = { 0 };
	struct exl_err err;
	struct exl_doc d;
	int rc = -1;

	*log = *card = NULL;
	if (config_rules(&s, &err) < 0 ||
	    (o->rules && exl_san_load_rules(&s, o->rules, &err) < 0) ||
	    exl_san_add_builtins(&s, text, sdir, o->node_pattern, &err) < 0 ||
	    !(*log = exl_san_apply(&s, text, &err)) ||
	    exl_doc_parse(&d, *log, &err) < 0) {
		cli_err("%s", err.text);
		goto out;
	}
	*card = exl_model_card(&d);
	exl_doc_free(&d);
	if (!*card)
		cli_err("out of memory");
	else
		rc = 0;
out:
	exl_san_free(&s);
	return rc;
}

static int write_out(const struct pub_opts *o, const char *log,
		     const char *card)
{
	char *p1 = exl_path_join(o->out, "TRAINING_LOG.md");
	char *p2 = exl_path_join(o->out, "README.md");
	struct exl_err err;
	struct stat st;
	int rc = EXL_EXIT_ERROR;

	if (!p1 || !p2) {
		cli_err("out of memory");
		goto out;
	}
	if (!o->force && (lstat(p1, &st) == 0 || lstat(p2, &st) == 0)) {
		cli_err("refusing to overwrite %s: give --force",
			lstat(p1, &st) == 0 ? p1 : p2);
		rc = EXL_EXIT_CHECK;
		goto out;
	}
	if (exl_mkdir_p(o->out, 0755, &err) < 0 ||
	    exl_write_atomic(p1, log, strlen(log), 0644, &err) < 0 ||
	    exl_write_atomic(p2, card, strlen(card), 0644, &err) < 0) {
		cli_err("%s", err.text);
		goto out;
	}
	printf("%s\n%s\n", p1, p2);
	rc = EXL_EXIT_OK;
out:
	free(p1);
	free(p2);
	return rc;
}

int cmd_publish(struct rl *c, int argc, char **argv)
{
	char sdir[RL_PATH], *text = NULL, *log = NULL, *card = NULL;
	struct pub_opts o;
	struct rl_run run;
	int rc;

	rc = parse(argc, argv, &o);
	if (rc)
		return rc < 0 ? rl_help(usage) : rc;
	rc = rl_read_run(c, argv[optind], &run, &text);
	if (rc)
		return rc;
	if (o.submit_dir)
		snprintf(sdir, sizeof(sdir), "%s", o.submit_dir);
	else
		submit_dir(&run, sdir, sizeof(sdir));
	rc = gate(&o, text, sdir);
	if (rc == 0)
		rc = sanitize(&o, text, sdir, &log, &card) < 0 ?
		     EXL_EXIT_ERROR : write_out(&o, log, card);
	free(text);
	free(log);
	free(card);
	return rc;
}
