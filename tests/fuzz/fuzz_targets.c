/* fuzz_targets.c - libFuzzer harnesses for every parser of user-writable
 * input.  One binary per target: build with -DFUZZ_<TARGET> (fuzz.sh
 * does).  Each harness feeds the bytes to the parser as the tools do and
 * checks nothing but that it returns: ASan/UBSan, -timeout and
 * -rss_limit_mb catch the rest (issue 19).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/config_flat.h"
#include "job/begin_out.h"
#include "util/bounded_regex.h"
#include "runstore/evidence.h"
#include "runstore/experiments_table.h"
#include "util/hostlist.h"
#include "util/jsonfile.h"
#include "passport/passport_manifest.h"
#include "passport/passport_tree.h"
#include "runstore/runlog_doc.h"
#include "runstore/runlog_summary.h"
#include "util/sigspec.h"
#include "runstore/timeline.h"
#include "wandb/wandb_log.h"
#include "wandb/wandb_records.h"
#include "util/yamljson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* text: the input as a NUL-terminated string (malloc'd) */
static char *text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = text(data, size);
	struct exl_err err;

	if (!s)
		return 0;
#if defined(FUZZ_runlog_doc)
	{	/* a run log: lines and sections, rendered back */
		struct exl_doc d;
		char *out;

		if (exl_doc_parse(&d, s, &err) == 0) {
			out = exl_doc_render(&d, NULL);
			free(out);
			exl_doc_free(&d);
		}
	}
#elif defined(FUZZ_runlog_summary)
	{	/* what runlog status reads from a run log */
		struct exl_run_summary sum;

		memset(&sum, 0, sizeof(sum));
		if (exl_summary_parse((const char *)data, size, &sum) == 0)
			exl_summary_free(&sum);
	}
#elif defined(FUZZ_timeline)
	{	/* timeline.md: entries, numbering, a new entry added */
		int added;
		char *t = exl_timeline_add(s, "Fuzz", "2026-01-01_x.md", 0,
					   size & 1 ? "depends on afterok:1" : NULL,
					   &added);

		free(t);
		(void)exl_timeline_lists(s, "2026-01-01_x.md");
	}
#elif defined(FUZZ_experiments)
	{	/* experiments.md: the table's status cells */
		free(exl_exp_prev_status(s, "2026-01-01_x", "completed"));
	}
#elif defined(FUZZ_json)
	{	/* JSON sidecars and run index entries */
		json_object *o = exl_json_parse(s, size, "fuzz.json", &err);

		json_object_put(o);
	}
#elif defined(FUZZ_yaml_config)
	{	/* exp-log.yaml, as site (every key allowed) */
		struct exl_config c;
		struct exl_config_problems probs;

		memset(&c, 0, sizeof(c));
		memset(&probs, 0, sizeof(probs));
		exl_config_load_buffer(&c, "fuzz.yaml", s, size, 1, &probs);
		exl_config_free(&c);
	}
#elif defined(FUZZ_yaml)
	{	/* contract.yaml and other YAML read as JSON */
		json_object *o = exl_yaml_json_parse(s, size, "fuzz.yaml", &err);

		json_object_put(o);
	}
#elif defined(FUZZ_wandb)
	{	/* a .wandb file: every record, then the summary */
		struct exl_wandb_reader *r;
		struct exl_wandb_summary sum;
		struct exl_wandb_rec rec;

		r = exl_wandb_reader_mem(data, size, "fuzz.wandb", &err);
		while (r && exl_wandb_next(r, &rec, &err) == 1)
			;
		exl_wandb_reader_free(r);
		memset(&sum, 0, sizeof(sum));
		if (exl_wandb_summarize_mem(data, size, &sum, &err) == 0)
			exl_wandb_summary_free(&sum);
	}
#elif defined(FUZZ_passport)
	{	/* MODEL_PASSPORT.json: the manifest */
		json_object *o = exl_json_parse(s, size, "MODEL_PASSPORT.json",
						&err);
		struct passport_list l;

		memset(&l, 0, sizeof(l));
		if (o && passport_doc_parse(o, &l, &err) == 0)
			passport_list_free(&l);
		json_object_put(o);
	}
#elif defined(FUZZ_hostlist)
	{	/* a run log's "- nodes:" value */
		char **names;
		size_t n;

		if (exl_hostlist_expand(s, 4096, &names, &n) == 0)
			exl_hostlist_free(names, n);
	}
#elif defined(FUZZ_sigspec)
	{	/* --signal values and the signal line of a run log */
		char out[64];

		(void)exl_sigspec_normalize(s, out, sizeof(out), &err);
		(void)exl_sigspec_secs(s);
	}
#elif defined(FUZZ_evidence)
	{	/* a Status line's evidence, and its date */
		struct exl_evidence ev;
		time_t t;

		exl_evidence_parse(s, &ev);
		(void)exl_parse_date(s, &t);
	}
#elif defined(FUZZ_regex)
	{	/* a config pattern, compiled and matched as the monitor and
		 * the sanitizer do (both engines): it must be refused or
		 * compile, and each match end or give up, within -timeout
		 * and -rss_limit_mb.  A long line of 'e' and one of the
		 * input's own bytes stress the backtracking limits. */
		static const char line[] = "step 120 loss 0.53 val_loss 0.6 "
			"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
		static char longline[3 * EXL_REGEX_SUBJECT_MAX];
		struct exl_regex_span m[10];
		struct exl_regex *re;
		char why[256];
		int flags;

		for (flags = 0; flags < 4; flags++) {
			re = exl_regex_compile(s, flags, why, sizeof(why));
			if (!re)
				continue;
			(void)exl_regex_match(re, line, sizeof(line) - 1, 0, m,
					      10);
			memset(longline, size ? data[size - 1] : 'e',
			       sizeof(longline));
			(void)exl_regex_match(re, longline, sizeof(longline),
					      EXL_REGEX_NOTBOL, m, 10);
			memset(longline, 'e', sizeof(longline));
			(void)exl_regex_match(re, longline, sizeof(longline), 0,
					      NULL, 0);
			(void)exl_regex_take_warning(re, why, sizeof(why));
			exl_regex_free(re);
		}
	}
#elif defined(FUZZ_config_flat)
	{	/* what the dropped child that parsed the user's exp-log.yaml
		 * sends back to slurmstepd: checked, then applied */
		static struct exl_config_flat f;
		static const char site[] = "allowed_roots:\n  - /scratch\n";
		struct exl_config c;

		memset(&f, 0, sizeof(f));
		memcpy(&f, data, size < sizeof(f) ? size : sizeof(f));
		memset(&c, 0, sizeof(c));
		if (exl_config_defaults(&c) == 0 &&
		    exl_config_load_buffer(&c, "site", site, sizeof(site) - 1,
					   1, NULL) == 0 &&
		    exl_config_flat_check(&f, &c, &err) == 0)
			(void)exl_config_flat_apply(&c, &f);
		exl_config_free(&c);
	}
#elif defined(FUZZ_begin_out)
	{	/* what the dropped child that starts a run log sends back */
		static struct exl_begin_out o;

		memset(&o, 0, sizeof(o));
		memcpy(&o, data, size < sizeof(o) ? size : sizeof(o));
		(void)exl_begin_out_check(&o, "/scratch/runs", &err);
	}
#else
#error "define FUZZ_<target>"
#endif
	free(s);
	return 0;
}
