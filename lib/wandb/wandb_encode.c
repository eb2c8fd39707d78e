/* wandb_encode.c - serialise the records exp-log writes (wandb_write.h). */
#include <stdlib.h>
#include <string.h>

#include "util/fileio.h"
#include "wandb_record.pb-c.h"
#include "wandb/wandb_write.h"

/* pack: serialise a filled Record into a new buffer. */
static struct exl_wandb_blob pack(const ExlWandb__Record *r)
{
	size_t n = exl_wandb__record__get_packed_size(r);
	struct exl_wandb_blob b = { malloc(n ? n : 1), 0 };

	if (b.p)
		b.len = exl_wandb__record__pack(r, b.p);
	return b;
}

struct exl_wandb_blob exl_wandb_enc_header(const char *producer)
{
	ExlWandb__Record r = EXL_WANDB__RECORD__INIT;
	ExlWandb__HeaderRecord h = EXL_WANDB__HEADER_RECORD__INIT;
	ExlWandb__VersionInfo v = EXL_WANDB__VERSION_INFO__INIT;

	if (producer) {
		v.producer = (char *)producer;
		h.version_info = &v;
	}
	r.record_type_case = EXL_WANDB__RECORD__RECORD_TYPE_HEADER;
	r.header = &h;
	return pack(&r);
}

struct exl_wandb_blob exl_wandb_enc_run(const char *run_id,
					const char *entity,
					const char *project,
					const char *display_name,
					time_t start, int64_t num)
{
	ExlWandb__Record r = EXL_WANDB__RECORD__INIT;
	ExlWandb__RunRecord run = EXL_WANDB__RUN_RECORD__INIT;
	ExlWandb__Timestamp ts = EXL_WANDB__TIMESTAMP__INIT;

	/* protobuf-c wants char *, and only reads these while packing */
	if (run_id)
		run.run_id = (char *)run_id;
	if (entity)
		run.entity = (char *)entity;
	if (project)
		run.project = (char *)project;
	if (display_name)
		run.display_name = (char *)display_name;
	if (start) {
		ts.seconds = (int64_t)start;
		run.start_time = &ts;
	}
	r.num = num;
	r.record_type_case = EXL_WANDB__RECORD__RECORD_TYPE_RUN;
	r.run = &run;
	return pack(&r);
}

struct exl_wandb_blob exl_wandb_enc_history(int64_t step, const char *key,
					    const char *value_json,
					    int64_t num)
{
	ExlWandb__Record r = EXL_WANDB__RECORD__INIT;
	ExlWandb__HistoryRecord h = EXL_WANDB__HISTORY_RECORD__INIT;
	ExlWandb__HistoryStep st = EXL_WANDB__HISTORY_STEP__INIT;
	ExlWandb__HistoryItem it = EXL_WANDB__HISTORY_ITEM__INIT;
	ExlWandb__HistoryItem *items[1] = { &it };
	char *nested[1];

	st.num = step;
	h.step = &st;
	if (key) {
		/* W&B core writes the path as nested_key, key left empty */
		nested[0] = (char *)key;
		it.n_nested_key = 1;
		it.nested_key = nested;
		it.value_json = (char *)(value_json ? value_json : "null");
		h.n_item = 1;
		h.item = items;
	}
	r.num = num;
	r.record_type_case = EXL_WANDB__RECORD__RECORD_TYPE_HISTORY;
	r.history = &h;
	return pack(&r);
}

struct exl_wandb_blob exl_wandb_enc_exit(int exit_code, int runtime_s,
					 int64_t num)
{
	ExlWandb__Record r = EXL_WANDB__RECORD__INIT;
	ExlWandb__RunExitRecord e = EXL_WANDB__RUN_EXIT_RECORD__INIT;

	e.exit_code = exit_code;
	e.runtime = runtime_s;
	r.num = num;
	r.record_type_case = EXL_WANDB__RECORD__RECORD_TYPE_EXIT;
	r.exit = &e;
	return pack(&r);
}

/* enc_empty: a record whose body has no field we set (final, footer). */
static struct exl_wandb_blob enc_empty(ExlWandb__Record__RecordTypeCase which,
				       int64_t num)
{
	ExlWandb__Record r = EXL_WANDB__RECORD__INIT;
	ExlWandb__Empty e = EXL_WANDB__EMPTY__INIT;

	r.num = num;
	r.record_type_case = which;
	if (which == EXL_WANDB__RECORD__RECORD_TYPE_FINAL)
		r.final = &e;
	else
		r.footer = &e;
	return pack(&r);
}

struct exl_wandb_blob exl_wandb_enc_final(int64_t num)
{
	return enc_empty(EXL_WANDB__RECORD__RECORD_TYPE_FINAL, num);
}

struct exl_wandb_blob exl_wandb_enc_footer(int64_t num)
{
	return enc_empty(EXL_WANDB__RECORD__RECORD_TYPE_FOOTER, num);
}

struct exl_wandb_blob exl_wandb_enc_artifact(const char *name,
					     const char *const *local_paths,
					     size_t n)
{
	ExlWandb__Record r = EXL_WANDB__RECORD__INIT;
	ExlWandb__ArtifactRecord a = EXL_WANDB__ARTIFACT_RECORD__INIT;
	ExlWandb__ArtifactManifest m = EXL_WANDB__ARTIFACT_MANIFEST__INIT;
	ExlWandb__ArtifactManifestEntry *ents, **ptrs;
	struct exl_wandb_blob out = { NULL, 0 };
	size_t i;

	ents = calloc(n ? n : 1, sizeof(*ents));
	ptrs = calloc(n ? n : 1, sizeof(*ptrs));
	if (ents && ptrs) {
		for (i = 0; i < n; i++) {
			ExlWandb__ArtifactManifestEntry e =
				EXL_WANDB__ARTIFACT_MANIFEST_ENTRY__INIT;

			e.path = (char *)exl_basename(local_paths[i]);
			e.local_path = (char *)local_paths[i];
			ents[i] = e;
			ptrs[i] = &ents[i];
		}
		m.n_contents = n;
		m.contents = ptrs;
		a.type = (char *)"model";
		a.name = (char *)(name ? name : "artifact");
		a.manifest = &m;
		r.record_type_case = EXL_WANDB__RECORD__RECORD_TYPE_ARTIFACT;
		r.artifact = &a;
		out = pack(&r);
	}
	free(ents);
	free(ptrs);
	return out;
}
