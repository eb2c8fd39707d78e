/* wandb-tool.c - drive lib/wandb_* from shell tests and benchmarks.
 *
 *   wandb-tool dump FILE                 summary as key=value lines
 *   wandb-tool append FILE CODE RUNTIME [--repair]
 *   wandb-tool finalize DIR CODE RUNTIME [--repair]
 *   wandb-tool mkrun DIR ID [--exit CODE] [--steps N] [--entity E]
 *         [--project P] [--start EPOCH] [--staged PATH]... [--big BYTES]
 *                                       a synthetic offline run directory
 *                                       written by our own writer
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/fileio.h"
#include "wandb/wandb_append.h"
#include "wandb/wandb_records.h"
#include "wandb/wandb_write.h"

static int dump(const char *path)
{
	struct exl_wandb_summary s;
	struct exl_err e;
	unsigned i;

	if (exl_wandb_summarize(path, &s, &e) < 0) {
		fprintf(stderr, "wandb-tool: %s\n", e.text);
		return 3;
	}
	printf("end=%s\nsize=%llu\nvalid_until=%llu\nrecords=%llu\n",
	       exl_wandb_end_name(s.log.end), (unsigned long long)s.log.size,
	       (unsigned long long)s.log.valid_until,
	       (unsigned long long)s.records);
	printf("run_id=%s\nentity=%s\nproject=%s\nstart_time=%lld\n", s.run_id,
	       s.entity, s.project, (long long)s.start_time);
	printf("state=%s\n", exl_wandb_run_state(&s));
	if (s.has_exit)
		printf("exit_code=%d\nruntime=%d\n", s.exit_code, s.runtime_s);
	if (s.has_step)
		printf("last_step=%lld\n", (long long)s.last_step);
	for (i = 0; i < EXL_WK_COUNT; i++)
		if (s.kinds[i])
			printf("kind.%s=%llu\n", exl_wandb_kind_name(i),
			       (unsigned long long)s.kinds[i]);
	for (i = 0; i < s.nstaged; i++)
		printf("staged=%s\n", s.staged[i]);
	if (s.log.end == EXL_WANDB_END_TORN)
		printf("tail_offset=%llu\n", (unsigned long long)s.log.tail_offset);
	for (i = 0; i < s.log.nproblems && i < EXL_WANDB_MAX_PROBLEMS; i++)
		printf("problem=%s\n", s.log.problems[i]);
	exl_wandb_summary_free(&s);
	return 0;
}

static const char *result_name(int rc)
{
	switch (rc) {
	case EXL_WANDB_APPENDED: return "appended";
	case EXL_WANDB_ALREADY_FINAL: return "already-final";
	case EXL_WANDB_REFUSED_TORN: return "refused-torn";
	case EXL_WANDB_REFUSED_DAMAGED: return "refused-damaged";
	case EXL_WANDB_REFUSED_NO_RUN: return "refused-no-run";
	default: return "error";
	}
}

static int append(int argc, char **argv)
{
	struct exl_err e = { { 0 } };
	unsigned flags = argc > 5 && strcmp(argv[5], "--repair") == 0 ?
			 EXL_WANDB_REPAIR_TAIL : 0;
	int rc = exl_wandb_append_exit(argv[2], atoi(argv[3]), atoi(argv[4]),
				       flags, &e);

	printf("%s\n", result_name(rc));
	if (e.text[0])
		printf("# %s\n", e.text);
	return rc < 0 ? 3 : 0;
}

static int finalize(int argc, char **argv)
{
	struct exl_wandb_finalize_report rep;
	struct exl_err e = { { 0 } };
	unsigned flags = argc > 5 && strcmp(argv[5], "--repair") == 0 ?
			 EXL_WANDB_REPAIR_TAIL : 0;
	int rc = exl_wandb_finalize_dir(argv[2], atoi(argv[3]), atoi(argv[4]),
					flags, &rep, &e);
	unsigned i;

	if (rc < 0) {
		fprintf(stderr, "wandb-tool: %s\n", e.text);
		return 3;
	}
	printf("rc=%d runs=%u appended=%u already=%u refused=%u failed=%u\n",
	       rc, rep.runs, rep.appended, rep.already, rep.refused,
	       rep.failed);
	for (i = 0; i < rep.ndetail; i++)
		printf("# %s\n", rep.detail[i]);
	return 0;
}

struct mkrun_opts {
	const char *entity, *project;
	long long start;
	int steps, exit_code, has_exit;
	size_t big;
	const char *staged[16];
	size_t nstaged;
};

/* write_run_file: the .wandb file of a synthetic run. */
static int write_run_file(const char *path, const char *id,
			  const struct mkrun_opts *o, struct exl_err *e)
{
	struct exl_wandb_writer *w = exl_wandb_writer_create(path, e);
	int i, rc = 0;

	if (!w)
		return -1;
	rc |= exl_wandb_writer_take(w, exl_wandb_enc_header("exp-log-test"), e);
	rc |= exl_wandb_writer_take(w, exl_wandb_enc_run(id, o->entity, o->project,
							  "synthetic", (time_t)o->start,
							  0), e);
	if (o->nstaged)
		rc |= exl_wandb_writer_take(w, exl_wandb_enc_artifact("ckpt", o->staged,
								   o->nstaged), e);
	if (o->big) {
		char *v = malloc(o->big + 3);

		if (!v)
			return exl_errnof(e, ENOMEM, "out of memory");
		memset(v + 1, 'z', o->big);
		v[0] = '"';
		v[o->big + 1] = '"';
		v[o->big + 2] = '\0';
		rc |= exl_wandb_writer_take(w, exl_wandb_enc_history(0, "blob", v, 0), e);
		free(v);
	}
	for (i = 0; i < o->steps; i++)
		rc |= exl_wandb_writer_take(w, exl_wandb_enc_history(i, "loss", "0.25", 0), e);
	if (o->has_exit) {
		rc |= exl_wandb_writer_take(w, exl_wandb_enc_exit(o->exit_code, 42, 0), e);
		rc |= exl_wandb_writer_take(w, exl_wandb_enc_final(0), e);
		rc |= exl_wandb_writer_take(w, exl_wandb_enc_footer(0), e);
	}
	if (exl_wandb_writer_close(w, e) < 0 || rc)
		return -1;
	return 0;
}

static int mkrun(int argc, char **argv)
{
	struct mkrun_opts o = { .entity = "team", .project = "proj",
				.start = 1767225600, .steps = 3 };
	const char *dir = argv[2], *id = argv[3];
	struct exl_err e = { "out of memory" };
	char *path = NULL, *files;
	int i;

	for (i = 4; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--exit")) {
			o.has_exit = 1;
			o.exit_code = atoi(argv[i + 1]);
		} else if (!strcmp(argv[i], "--steps")) {
			o.steps = atoi(argv[i + 1]);
		} else if (!strcmp(argv[i], "--entity")) {
			o.entity = argv[i + 1];
		} else if (!strcmp(argv[i], "--project")) {
			o.project = argv[i + 1];
		} else if (!strcmp(argv[i], "--start")) {
			o.start = atoll(argv[i + 1]);
		} else if (!strcmp(argv[i], "--big")) {
			o.big = (size_t)atol(argv[i + 1]);
		} else if (!strcmp(argv[i], "--staged") && o.nstaged < 16) {
			o.staged[o.nstaged++] = argv[i + 1];
		} else {
			fprintf(stderr, "wandb-tool: mkrun: bad option %s\n", argv[i]);
			return 2;
		}
	}
	files = exl_path_join(dir, "files/media");
	if (!files || exl_mkdir_p(files, 0755, &e) < 0 ||
	    asprintf(&path, "%s/run-%s.wandb", dir, id) < 0 ||
	    write_run_file(path, id, &o, &e) < 0) {
		fprintf(stderr, "wandb-tool: %s\n", e.text);
		free(files);
		free(path);
		return 3;
	}
	free(files);
	free(path);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "dump"))
		return dump(argv[2]);
	if (argc >= 5 && !strcmp(argv[1], "append"))
		return append(argc, argv);
	if (argc >= 5 && !strcmp(argv[1], "finalize"))
		return finalize(argc, argv);
	if (argc >= 4 && !strcmp(argv[1], "mkrun"))
		return mkrun(argc, argv);
	fprintf(stderr, "usage: wandb-tool dump|append|finalize|mkrun ...\n");
	return 2;
}
