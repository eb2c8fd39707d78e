/* passport.c - the passport command: generate, sign and verify a
 * checkpoint's MODEL_PASSPORT.json and SIGNOFF.json (see passport(1)).
 *
 * The logic lives in lib/passport_*.c; this file parses the command
 * line, shows progress on a terminal and turns results into messages and
 * exit codes.
 */
#include "exl_build.h"
#include "util/units.h"

#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "passport/passport_manifest.h"
#include "passport/passport_sign.h"
#include "passport/passport_verify.h"

/* The options and exit status every command shares. */
#define COMMON_HELP \
"Options for every command:\n" \
"  -j, --jobs N   hash with N threads (default: the CPUs of this\n" \
"                 allocation: SLURM_CPUS_ON_NODE, CPU affinity)\n" \
"  -q, --quiet    no progress bar, no summary line\n" \
"  -h, --help     show this help\n" \
"  -V, --version  show the version\n" \
"\n" \
"Exit status: 0 ok, 1 verification failed or signing refused, 2 usage,\n" \
"3 could not do the work.  See passport(1).\n"

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
"      check files, passport/signoff binding and signature; a required\n"
"      signoff must be signed by the pinned key or a trusted one\n"
"\n"
COMMON_HELP;

/* Each command's help; its first paragraph is the usage line shown
 * when the operands are missing. */
static const char generate_usage[] =
"Usage: passport generate CKPT_DIR [--contract FILE.yaml] [--run RUNLOG]\n"
"                         [--force] [--jobs N] [--quiet]\n"
"\n"
"Hash every file of CKPT_DIR and write CKPT_DIR/MODEL_PASSPORT.json.\n"
"\n"
"      --contract FILE.yaml  the model contract to record\n"
"      --run RUNLOG          the run log of the job that made it\n"
"  -f, --force               replace an existing passport\n"
"\n"
COMMON_HELP;
static const char sign_usage[] =
"Usage: passport sign CKPT_DIR --verdict pass|soft_signal [--reason TEXT]\n"
"                     [--key KEY.pem] [--force] [--jobs N] [--quiet]\n"
"\n"
"Re-verify every file of CKPT_DIR, then write CKPT_DIR/SIGNOFF.json.\n"
"\n"
"      --verdict V     pass, or soft_signal (which needs --reason)\n"
"      --reason TEXT   why\n"
"      --key KEY.pem   sign with this ed25519 private key (mode 600)\n"
"  -f, --force         replace an existing signoff\n"
"\n"
COMMON_HELP;
static const char verify_usage[] =
"Usage: passport verify CKPT_DIR [--require-signoff] [--pubkey PUB.pem]\n"
"                       [--json] [--jobs N] [--quiet]\n"
"\n"
"Check every file of CKPT_DIR against its passport, the signoff's binding\n"
"and signature.\n"
"\n"
"      --require-signoff  fail without a SIGNOFF.json\n"
"      --pubkey PUB.pem   the signer's public key the signature must match\n"
"      --json             a JSON report (schema in passport(1))\n"
"\n"
COMMON_HELP;

/* usage_error: a usage message for command cmd (NULL: passport
 * itself), then exit 2. */
static void __attribute__((noreturn, format(printf, 2, 3)))
usage_error(const char *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	exit(cli_usage_err(cmd, "%s", msg));
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

/* The options every command shares, and the command they belong to. */
struct common {
	const char *cmd, *help;
	char **argv;
	unsigned jobs;
	int quiet;
};

enum { OPT_CONTRACT = 256, OPT_RUN, OPT_VERDICT, OPT_REASON,
       OPT_KEY, OPT_PUBKEY, OPT_REQUIRE, OPT_JSON, OPT_TRUSTED };

/* common_opt: handle an option every command has; 0 if c is not one. */
static int common_opt(int c, struct common *co)
{
	long jobs;

	switch (c) {
	case 'j':
		if (cli_parse_jobs(co->cmd, "--jobs", optarg, 256, &jobs) < 0)
			exit(EXL_EXIT_USAGE);
		co->jobs = (unsigned)jobs;
		return 1;
	case 'q':
		co->quiet = 1;
		return 1;
	case 'h':
		fputs(co->help, stdout);
		exit(EXL_EXIT_OK);
	case 'V':
		exit(cli_version());
	case '?':
	case ':':
		exit(cli_bad_option(c, co->argv, co->cmd));
	default:
		return 0;
	}
}

#define COMMON_LONGOPTS \
	{ "jobs", required_argument, NULL, 'j' }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }

/* one_dir: the single CKPT_DIR operand left after the options. */
static const char *one_dir(int argc, char **argv, const char *cmd,
			   const char *cmd_usage)
{
	if (optind >= argc)
		exit(cli_missing(cmd, "CKPT_DIR", cmd_usage));
	if (optind + 1 < argc)
		usage_error(cmd, "unexpected argument '%s'", argv[optind + 1]);
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
	exl_human_bytes(secs > 0 ? (uint64_t)((double)bytes / secs) : 0, buf,
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
	struct common co = { .cmd = "generate", .help = generate_usage,
			     .argv = argv };
	char *contract = NULL, *run = NULL, size[40], rate[40];
	const char *dir;
	struct progress pr;
	struct exl_err err;
	int c, rc;

	while ((c = getopt_long(argc, argv, ":fj:qhV", longopts, NULL)) != -1) {
		if (common_opt(c, &co))
			continue;
		if (c == OPT_CONTRACT)
			set_user_path(&contract, "--contract", optarg);
		else if (c == OPT_RUN)
			set_user_path(&run, "--run", optarg);
		else if (c == 'f')
			o.force = 1;
	}
	dir = one_dir(argc, argv, "generate", generate_usage);
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

		exl_human_bytes(res.bytes, size, sizeof(size));
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
	struct common co = { .cmd = "sign", .help = sign_usage,
			     .argv = argv };
	struct progress pr;
	struct exl_err err;
	char *key = NULL;
	const char *dir;
	int c, rc;

	while ((c = getopt_long(argc, argv, ":fj:qhV", longopts, NULL)) != -1) {
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
	dir = one_dir(argc, argv, "sign", sign_usage);
	if (!o.verdict)
		exit(cli_missing("sign", "--verdict pass|soft_signal",
				 sign_usage));
	if (passport_verdict_check(o.verdict, o.reason, &err) < 0)
		usage_error("sign", "%s", err.text);
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
		size_t bad = passport_report_file_problems(&rep);

		cli_err("%s: refusing to sign: %zu of %zu %s %s not match %s",
			dir, bad, rep.nfiles,
			cli_plural(rep.nfiles, "entry", "entries"),
			bad == 1 ? "does" : "do", PASSPORT_FILE);
		passport_report_free(&rep);
		return EXL_EXIT_CHECK;
	}
	if (rep.signed_weights == 0)
		cli_err("warning: %s has no weight files (see WEIGHT FILES in passport(1)): the signoff binds only the passport",
			dir);
	if (!co.quiet)
		printf("wrote %s/%s: verdict %s, %zu weight %s, %s\n", dir,
		       SIGNOFF_FILE, o.verdict, rep.signed_weights,
		       cli_plural(rep.signed_weights, "file", "files"),
		       o.key_path ? "signed (ed25519)" : "not signed (no --key)");
	passport_report_free(&rep);
	return EXL_EXIT_OK;
}

/* print_summary: the last line of a human verify report. */
static void print_summary(const char *dir, const struct passport_report *rep)
{
	size_t bad = passport_report_file_problems(rep), i;
	char bytes[32];

	exl_human_bytes(rep->bytes_hashed, bytes, sizeof(bytes));
	if (!rep->passport_found) {
		printf("FAILED: %s: no valid %s\n", dir, PASSPORT_FILE);
		return;
	}
	printf("%s: %s: ", rep->ok ? "OK" : "FAILED", dir);
	if (bad == 0) {
		printf("%zu %s (%s hashed)", rep->nfiles,
		       rep->nfiles == 1 ? "entry matches" : "entries match",
		       bytes);
	} else {
		const char *sep = "";

		printf("%zu of %zu %s %s (", bad, rep->nfiles,
		       cli_plural(rep->nfiles, "entry", "entries"),
		       bad == 1 ? "differs" : "differ");
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
	struct common co = { .cmd = "verify", .help = verify_usage,
			     .argv = argv };
	struct progress pr;
	struct exl_err err;
	char *pubkey = NULL, *trusted = NULL;
	const char *dir;
	int c, json = 0, rc;
	size_t i;

	while ((c = getopt_long(argc, argv, ":j:qhV", longopts, NULL)) != -1) {
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
	dir = one_dir(argc, argv, "verify", verify_usage);
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
		return cli_missing(NULL, "COMMAND (generate, sign or verify)",
				   usage_text);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage_text, stdout);
		return EXL_EXIT_OK;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0)
		return cli_version();
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].run(argc - 1, argv + 1);
	if (argv[1][0] == '-')
		return cli_usage_err(NULL, "unknown option '%s'", argv[1]);
	return cli_usage_err(NULL, "unknown command '%s' (generate, sign or "
			     "verify)", argv[1]);
}
