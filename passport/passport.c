/* passport.c - the passport command: generate, sign and verify a
 * checkpoint's MODEL_PASSPORT.json and SIGNOFF.json (see passport(1)).
 *
 * The logic lives in lib/passport_*.c; this file parses the command
 * line, shows progress on a terminal and turns results into messages and
 * exit codes.
 */
#include "exl_build.h"

#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "passport_manifest.h"
#include "passport_sign.h"
#include "passport_verify.h"

static const char usage_text[] =
"Usage: passport COMMAND CKPT_DIR [OPTIONS]\n"
"\n"
"Commands:\n"
"  generate CKPT_DIR [--contract FILE.yaml] [--run RUNLOG] [--force]\n"
"      hash every file and write CKPT_DIR/MODEL_PASSPORT.json\n"
"  sign CKPT_DIR --verdict pass|soft_signal [--reason TEXT] [--key KEY.pem]\n"
"      [--force]\n"
"      re-verify every file, then write CKPT_DIR/SIGNOFF.json\n"
"  verify CKPT_DIR [--require-signoff] [--pubkey PUB.pem]\n"
"      [--trusted-keys FILE] [--json]\n"
"      check files, passport/signoff binding and signature; with\n"
"      --require-signoff the signer must be --pubkey or a trusted key\n"
"\n"
"Options for every command:\n"
"  -j, --jobs N   hash with N threads (default: the CPUs of this\n"
"                 allocation: SLURM_CPUS_ON_NODE, CPU affinity)\n"
"  -q, --quiet    no progress bar, no summary line\n"
"  -h, --help     show this help\n"
"      --version  show the version\n"
"\n"
"Exit status: 0 ok, 1 verification failed or signing refused, 2 usage,\n"
"3 could not do the work.  See passport(1).\n";

static void __attribute__((noreturn)) usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", cli_prog());
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '%s --help'.\n", cli_prog());
	exit(EXL_EXIT_USAGE);
}

/* Thread-safe progress: workers report, one line on a terminal. */
struct progress {
	pthread_mutex_t lock;
	struct cli_progress bar;
	int quiet;
	unsigned jobs;
	struct timespec start;
};

static void progress_begin(void *arg, uint64_t bytes, size_t files,
			   unsigned jobs)
{
	struct progress *p = arg;

	p->jobs = jobs;
	if (!p->quiet)
		cli_progress_start(&p->bar, "hashing", bytes, files);
}

static void progress_add(void *arg, uint64_t bytes, unsigned files)
{
	struct progress *p = arg;

	if (p->quiet)
		return;
	pthread_mutex_lock(&p->lock);
	cli_progress_add(&p->bar, bytes, files);
	pthread_mutex_unlock(&p->lock);
}

static void progress_init(struct progress *p, int quiet,
			  struct passport_hash_opts *h)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	p->quiet = quiet;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	h->begin = progress_begin;
	h->progress = progress_add;
	h->progress_arg = p;
}

static void progress_done(struct progress *p)
{
	if (!p->quiet)
		cli_progress_end(&p->bar);
	pthread_mutex_destroy(&p->lock);
}

static double elapsed(const struct progress *p)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - p->start.tv_sec) +
	       (double)(now.tv_nsec - p->start.tv_nsec) / 1e9;
}

/* The options every command shares; -1 in *quiet etc. means unset. */
struct common {
	unsigned jobs;
	int quiet;
};

enum { OPT_VERSION = 256, OPT_CONTRACT, OPT_RUN, OPT_VERDICT, OPT_REASON,
       OPT_KEY, OPT_PUBKEY, OPT_REQUIRE, OPT_JSON, OPT_TRUSTED };

static unsigned parse_jobs(const char *s)
{
	char *end;
	long v;

	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 1 || v > 256)
		usage_error("--jobs: expected a number from 1 to 256, not '%s'", s);
	return (unsigned)v;
}

/* common_opt: handle an option every command has; 0 if c is not one. */
static int common_opt(int c, struct common *co)
{
	switch (c) {
	case 'j':
		co->jobs = parse_jobs(optarg);
		return 1;
	case 'q':
		co->quiet = 1;
		return 1;
	case 'h':
		fputs(usage_text, stdout);
		exit(EXL_EXIT_OK);
	case OPT_VERSION:
		printf("passport (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		exit(EXL_EXIT_OK);
	case '?':
		fprintf(stderr, "Try '%s --help'.\n", cli_prog());
		exit(EXL_EXIT_USAGE);
	default:
		return 0;
	}
}

#define COMMON_LONGOPTS \
	{ "jobs", required_argument, NULL, 'j' }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, OPT_VERSION }

/* one_dir: the single CKPT_DIR operand left after the options. */
static const char *one_dir(int argc, char **argv, const char *cmd)
{
	if (optind >= argc)
		usage_error("%s: missing CKPT_DIR", cmd);
	if (optind + 1 < argc)
		usage_error("unexpected argument '%s'", argv[optind + 1]);
	return argv[optind];
}

/* set_user_path: *var := a file the user named with option opt.  Its
 * own symlinks are the user's choice, so they are resolved here; the
 * library then opens the real file without following anything.  A
 * repeated option replaces the earlier one. */
static void set_user_path(char **var, const char *opt, const char *path)
{
	char *real = realpath(path, NULL);

	if (!real)
		cli_die(EXL_EXIT_ERROR, "%s %s: %m", opt, path);
	free(*var);
	*var = real;
}

/* rate_text: "1.2 GiB/s"; buf holds at least 40 bytes. */
static void rate_text(uint64_t bytes, double secs, char *buf, size_t len)
{
	cli_human_bytes(secs > 0 ? (uint64_t)((double)bytes / secs) : 0, buf,
			len - 3);
	strcat(buf, "/s");
}

static int cmd_generate(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "contract", required_argument, NULL, OPT_CONTRACT },
		{ "run", required_argument, NULL, OPT_RUN },
		{ "force", no_argument, NULL, 'f' },
		COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct passport_gen_opts o = { 0 };
	struct passport_gen_result res;
	struct common co = { 0 };
	char *contract = NULL, *run = NULL, size[40], rate[40];
	const char *dir;
	struct progress pr;
	struct exl_err err;
	int c, rc;

	while ((c = getopt_long(argc, argv, "fj:qh", longopts, NULL)) != -1) {
		if (common_opt(c, &co))
			continue;
		if (c == OPT_CONTRACT)
			set_user_path(&contract, "--contract", optarg);
		else if (c == OPT_RUN)
			set_user_path(&run, "--run", optarg);
		else if (c == 'f')
			o.force = 1;
	}
	dir = one_dir(argc, argv, "generate");
	o.contract_path = contract;
	o.runlog_path = run;
	o.hash.jobs = co.jobs;
	progress_init(&pr, co.quiet, &o.hash);
	rc = passport_generate(dir, &o, &res, &err);
	progress_done(&pr);
	free(contract);
	free(run);
	if (rc < 0)
		cli_die(EXL_EXIT_ERROR, "%s", err.text);
	if (!co.quiet) {
		double secs = elapsed(&pr);

		cli_human_bytes(res.bytes, size, sizeof(size));
		rate_text(res.bytes, secs, rate, sizeof(rate));
		printf("wrote %s/%s: %zu file%s (%s), %zu symlink%s; hashed in %.2f s (%s, %u thread%s)\n",
		       dir, PASSPORT_FILE, res.files, res.files == 1 ? "" : "s",
		       size, res.links, res.links == 1 ? "" : "s", secs, rate,
		       pr.jobs ? pr.jobs : 1, pr.jobs > 1 ? "s" : "");
	}
	return EXL_EXIT_OK;
}

/* die_on_error: a library call that could not do the work ends here. */
static void die_on_error(int rc, struct passport_report *rep,
			 const struct exl_err *err)
{
	if (rc >= 0)
		return;
	passport_report_free(rep);
	cli_die(EXL_EXIT_ERROR, "%s", err->text);
}

/* print_file_problems: one line per finding that is not ok. */
static void print_file_problems(FILE *out, const struct passport_report *rep)
{
	size_t i;

	for (i = 0; i < rep->nfiles; i++) {
		char *line;

		if (rep->files[i].status == PASSPORT_OK)
			continue;
		line = passport_finding_line(&rep->files[i]);
		fprintf(out, "%s\n", line ? line : rep->files[i].path);
		free(line);
	}
}

/* warn_key_mode: a private key others can read is no secret. */
static void warn_key_mode(const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && (st.st_mode & 077))
		cli_err("warning: %s can be read by other users: chmod 600 %s",
			path, path);
}

static int cmd_sign(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "verdict", required_argument, NULL, OPT_VERDICT },
		{ "reason", required_argument, NULL, OPT_REASON },
		{ "key", required_argument, NULL, OPT_KEY },
		{ "force", no_argument, NULL, 'f' },
		COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct passport_sign_opts o = { 0 };
	struct passport_report rep;
	struct common co = { 0 };
	struct progress pr;
	struct exl_err err;
	char *key = NULL;
	const char *dir;
	int c, rc;

	while ((c = getopt_long(argc, argv, "fj:qh", longopts, NULL)) != -1) {
		if (common_opt(c, &co))
			continue;
		if (c == OPT_VERDICT)
			o.verdict = optarg;
		else if (c == OPT_REASON)
			o.reason = optarg;
		else if (c == OPT_KEY)
			set_user_path(&key, "--key", optarg);
		else if (c == 'f')
			o.force = 1;
	}
	dir = one_dir(argc, argv, "sign");
	if (!o.verdict)
		usage_error("%s", "sign: --verdict pass|soft_signal is required");
	if (passport_verdict_check(o.verdict, o.reason, &err) < 0)
		usage_error("sign: %s", err.text);
	if (key)
		warn_key_mode(key);
	o.key_path = key;
	o.hash.jobs = co.jobs;
	progress_init(&pr, co.quiet, &o.hash);
	rc = passport_sign(dir, &o, &rep, &err);
	progress_done(&pr);
	free(key);
	die_on_error(rc, &rep, &err);
	if (rc == 1) {
		print_file_problems(stdout, &rep);
		cli_err("%s: refusing to sign: %zu of %zu entries do not match %s",
			dir, passport_report_file_problems(&rep), rep.nfiles,
			PASSPORT_FILE);
		passport_report_free(&rep);
		return EXL_EXIT_CHECK;
	}
	if (rep.signed_weights == 0)
		cli_err("warning: %s has no weight files (see WEIGHT FILES in passport(1)): the signoff binds only the passport",
			dir);
	if (!co.quiet)
		printf("wrote %s/%s: verdict %s, %zu weight files, %s\n", dir,
		       SIGNOFF_FILE, o.verdict, rep.signed_weights,
		       o.key_path ? "signed (ed25519)" : "not signed (no --key)");
	passport_report_free(&rep);
	return EXL_EXIT_OK;
}

/* print_summary: the last line of a human verify report. */
static void print_summary(const char *dir, const struct passport_report *rep)
{
	size_t bad = passport_report_file_problems(rep), i;
	char bytes[32];

	cli_human_bytes(rep->bytes_hashed, bytes, sizeof(bytes));
	if (!rep->passport_found) {
		printf("FAILED: %s: no valid %s\n", dir, PASSPORT_FILE);
		return;
	}
	printf("%s: %s: ", rep->ok ? "OK" : "FAILED", dir);
	if (bad == 0) {
		printf("%zu entries match (%s hashed)", rep->nfiles, bytes);
	} else {
		const char *sep = "";

		printf("%zu of %zu entries differ (", bad, rep->nfiles);
		for (i = 1; i < PASSPORT_NSTATUS; i++) {
			if (!rep->counts[i])
				continue;
			printf("%s%zu %s", sep, rep->counts[i],
			       passport_status_label((enum passport_status)i));
			sep = ", ";
		}
		printf(")");
	}
	if (rep->signoff_found)
		printf("; signoff %s by %s@%s", rep->verdict ? rep->verdict : "?",
		       rep->signer_user ? rep->signer_user : "?",
		       rep->signer_host ? rep->signer_host : "?");
	else
		printf("; no signoff");
	if (rep->sig == PASSPORT_SIG_VALID)
		printf("; signature valid (key %.16s, %s%s)", rep->key_id,
		       rep->key_pinned ? "matches --pubkey" :
		       rep->key_trusted ? "trusted by " :
		       "not trusted: pass --pubkey or list it in trusted-keys",
		       rep->key_trusted ? rep->trusted_by : "");
	else if (rep->sig == PASSPORT_SIG_INVALID)
		printf("; signature INVALID");
	if (rep->nproblems)
		printf("; %zu other problem%s", rep->nproblems,
		       rep->nproblems == 1 ? "" : "s");
	printf("\n");
}

static int cmd_verify(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "require-signoff", no_argument, NULL, OPT_REQUIRE },
		{ "pubkey", required_argument, NULL, OPT_PUBKEY },
		{ "trusted-keys", required_argument, NULL, OPT_TRUSTED },
		{ "json", no_argument, NULL, OPT_JSON },
		COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct passport_verify_opts o = { 0 };
	struct passport_report rep;
	struct common co = { 0 };
	struct progress pr;
	struct exl_err err;
	char *pubkey = NULL, *trusted = NULL;
	const char *dir;
	int c, json = 0, rc;
	size_t i;

	while ((c = getopt_long(argc, argv, "j:qh", longopts, NULL)) != -1) {
		if (common_opt(c, &co))
			continue;
		if (c == OPT_REQUIRE)
			o.require_signoff = 1;
		else if (c == OPT_PUBKEY)
			set_user_path(&pubkey, "--pubkey", optarg);
		else if (c == OPT_TRUSTED)
			set_user_path(&trusted, "--trusted-keys", optarg);
		else if (c == OPT_JSON)
			json = 1;
	}
	dir = one_dir(argc, argv, "verify");
	o.pubkey_path = pubkey;
	o.trusted_keys = trusted;
	o.hash.jobs = co.jobs;
	progress_init(&pr, co.quiet || json, &o.hash);
	rc = passport_verify(dir, &o, &rep, &err);
	progress_done(&pr);
	free(pubkey);
	free(trusted);
	die_on_error(rc, &rep, &err);
	if (json) {
		json_object *j = passport_report_json(&rep, dir);

		printf("%s\n", json_object_to_json_string_ext(j,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(j);
	} else {
		print_file_problems(stdout, &rep);
		for (i = 0; i < rep.nproblems; i++)
			printf("%s\n", rep.problems[i]);
		if (!co.quiet)
			print_summary(dir, &rep);
	}
	rc = rep.ok ? EXL_EXIT_OK : EXL_EXIT_CHECK;
	passport_report_free(&rep);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int, char **);
	} cmds[] = {
		{ "generate", cmd_generate },
		{ "sign", cmd_sign },
		{ "verify", cmd_verify },
	};
	size_t i;

	cli_init(argv[0]);
	if (argc < 2)
		usage_error("%s", "missing COMMAND (generate, sign or verify)");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage_text, stdout);
		return EXL_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("passport (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return EXL_EXIT_OK;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].run(argc - 1, argv + 1);
	usage_error("unknown command '%s' (generate, sign or verify)", argv[1]);
}
