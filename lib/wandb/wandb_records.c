/* wandb_records.c - decode a .wandb file into a run summary
 * (wandb_records.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wandb_record.pb-c.h"
#include "wandb/wandb_records.h"

static const char *const kind_names[EXL_WK_COUNT] = {
	[EXL_WK_HISTORY] = "history",	[EXL_WK_SUMMARY] = "summary",
	[EXL_WK_OUTPUT] = "output",	[EXL_WK_CONFIG] = "config",
	[EXL_WK_FILES] = "files",	[EXL_WK_STATS] = "stats",
	[EXL_WK_ARTIFACT] = "artifact",	[EXL_WK_TELEMETRY] = "telemetry",
	[EXL_WK_METRIC] = "metric",	[EXL_WK_RUN] = "run",
	[EXL_WK_EXIT] = "exit",		[EXL_WK_FINAL] = "final",
	[EXL_WK_HEADER] = "header",	[EXL_WK_FOOTER] = "footer",
	[EXL_WK_OTHER] = "other",	[EXL_WK_UNDECODABLE] = "undecodable",
};

const char *exl_wandb_kind_name(enum exl_wandb_kind k)
{
	return (unsigned)k < EXL_WK_COUNT ? kind_names[k] : "unknown";
}

const char *exl_wandb_run_state(const struct exl_wandb_summary *s)
{
	if (s->log.end == EXL_WANDB_END_EMPTY ||
	    s->log.end == EXL_WANDB_END_BAD_HEADER)
		return "unreadable";
	if (!s->has_exit)
		return "unfinished";
	if (s->exit_code == 0)
		return "finished";
	return s->exit_code == 254 ? "crashed" : "failed";
}

/* kind_of_tag: the kind of a record whose oneof member is not in our
 * schema, from the field number protobuf-c kept as unknown.  Returns -1
 * for fields outside the oneof (control=16, uuid=19, _info=200). */
static int kind_of_tag(uint32_t tag)
{
	switch (tag) {
	case 3: return EXL_WK_SUMMARY;
	case 4: case 13: case 27: return EXL_WK_OUTPUT;
	case 5: return EXL_WK_CONFIG;
	case 6: return EXL_WK_FILES;
	case 7: return EXL_WK_STATS;
	case 11: return EXL_WK_TELEMETRY;
	case 12: return EXL_WK_METRIC;
	case 16: case 19: case 200: return -1;
	default: return EXL_WK_OTHER;
	}
}

static void copy_str(char *dst, size_t len, const char *src)
{
	if (src && *src)
		snprintf(dst, len, "%s", src);
}

/* step_of: a history record's step: HistoryRecord.step.num (W&B core),
 * else the "_step" item (legacy Python writes key, core nested_key). */
static int step_of(const ExlWandb__HistoryRecord *h, int64_t *step)
{
	size_t i;

	if (h->step) {
		*step = h->step->num;
		return 1;
	}
	for (i = 0; i < h->n_item; i++) {
		const ExlWandb__HistoryItem *it = h->item[i];
		const char *k = it->n_nested_key == 1 ? it->nested_key[0] :
				it->key;
		char *end;
		long long v;

		if (!k || strcmp(k, "_step") != 0 || !it->value_json)
			continue;
		errno = 0;
		v = strtoll(it->value_json, &end, 10);
		if (errno == 0 && end != it->value_json && *end == '\0') {
			*step = v;
			return 1;
		}
	}
	return 0;
}

/* add_staged: remember manifest entries whose local copy sits in W&B's
 * artifact staging area (the only local paths slim may consider). */
static int add_staged(struct exl_wandb_summary *s,
		      const ExlWandb__ArtifactRecord *a)
{
	size_t i;

	if (!a->manifest)
		return 0;
	for (i = 0; i < a->manifest->n_contents; i++) {
		const char *lp = a->manifest->contents[i]->local_path;
		char **n;

		if (!lp || lp[0] != '/' || strlen(lp) >= 4096 ||
		    !strstr(lp, "/artifacts/staging/") ||
		    s->nstaged >= EXL_WANDB_MAX_STAGED)
			continue;
		n = realloc(s->staged, (s->nstaged + 1) * sizeof(*n));
		if (!n)
			return -1;
		s->staged = n;
		if (!(s->staged[s->nstaged] = strdup(lp)))
			return -1;
		s->nstaged++;
	}
	return 0;
}

static void take_run(struct exl_wandb_summary *s, const ExlWandb__RunRecord *r)
{
	/* a resumed run may write a second run record: the first id and
	 * start time stay, a later entity/project (if set) wins */
	s->has_run = 1;
	if (!s->run_id[0])
		copy_str(s->run_id, sizeof(s->run_id), r->run_id);
	copy_str(s->entity, sizeof(s->entity), r->entity);
	copy_str(s->project, sizeof(s->project), r->project);
	copy_str(s->display_name, sizeof(s->display_name), r->display_name);
	if (!s->start_time && r->start_time && r->start_time->seconds > 0)
		s->start_time = r->start_time->seconds;
}

/* take_record: fold one decoded record into the summary. */
static int take_record(struct exl_wandb_summary *s, const ExlWandb__Record *r)
{
	int64_t step;
	unsigned i;
	int k = EXL_WK_OTHER;

	if (r->num > s->last_num)
		s->last_num = r->num;
	switch (r->record_type_case) {
	case EXL_WANDB__RECORD__RECORD_TYPE_HISTORY:
		k = EXL_WK_HISTORY;
		if (step_of(r->history, &step) &&
		    (!s->has_step || step > s->last_step)) {
			s->has_step = 1;
			s->last_step = step;
		}
		break;
	case EXL_WANDB__RECORD__RECORD_TYPE_ARTIFACT:
		k = EXL_WK_ARTIFACT;
		if (add_staged(s, r->artifact) < 0)
			return -1;
		break;
	case EXL_WANDB__RECORD__RECORD_TYPE_RUN:
		k = EXL_WK_RUN;
		take_run(s, r->run);
		break;
	case EXL_WANDB__RECORD__RECORD_TYPE_EXIT:
		k = EXL_WK_EXIT;
		s->has_exit = 1;
		s->exit_code = r->exit->exit_code;
		s->runtime_s = r->exit->runtime;
		break;
	case EXL_WANDB__RECORD__RECORD_TYPE_FINAL:
		k = EXL_WK_FINAL;
		s->has_final = 1;
		break;
	case EXL_WANDB__RECORD__RECORD_TYPE_HEADER:
		k = EXL_WK_HEADER;
		if (r->header->version_info)
			copy_str(s->producer, sizeof(s->producer),
				 r->header->version_info->producer);
		break;
	case EXL_WANDB__RECORD__RECORD_TYPE_FOOTER:
		k = EXL_WK_FOOTER;
		break;
	default:
		for (i = 0; i < r->base.n_unknown_fields; i++) {
			int t = kind_of_tag(r->base.unknown_fields[i].tag);

			if (t >= 0) {
				k = t;
				break;
			}
		}
		break;
	}
	s->kinds[k]++;
	return 0;
}

/* summarize: drain a reader into s. */
static int summarize(struct exl_wandb_reader *rd, const char *name,
		     struct exl_wandb_summary *s, struct exl_err *err)
{
	struct exl_wandb_rec rec;
	int rc;

	while ((rc = exl_wandb_next(rd, &rec, err)) > 0) {
		ExlWandb__Record *r = exl_wandb__record__unpack(NULL, rec.len,
								rec.data);

		s->records++;
		if (!r) {
			s->kinds[EXL_WK_UNDECODABLE]++;
			continue;
		}
		rc = take_record(s, r);
		exl_wandb__record__free_unpacked(r, NULL);
		if (rc < 0) {
			rc = exl_errnof(err, ENOMEM, "couldn't read %s", name);
			break;
		}
	}
	s->log = *exl_wandb_reader_state(rd);
	if (rc == 0 && s->kinds[EXL_WK_UNDECODABLE] &&
	    s->log.nproblems < EXL_WANDB_MAX_PROBLEMS)
		snprintf(s->log.problems[s->log.nproblems++],
			 sizeof(s->log.problems[0]),
			 "%llu intact %s not valid protobuf",
			 (unsigned long long)s->kinds[EXL_WK_UNDECODABLE],
			 s->kinds[EXL_WK_UNDECODABLE] == 1 ? "record is" :
			 "records are");
	exl_wandb_reader_free(rd);
	if (rc < 0)
		exl_wandb_summary_free(s);
	return rc < 0 ? -1 : 0;
}

int exl_wandb_summarize_fd(int fd, const char *name,
			   struct exl_wandb_summary *s, struct exl_err *err)
{
	struct exl_wandb_reader *rd;

	memset(s, 0, sizeof(*s));
	rd = exl_wandb_reader_fd(fd, name, err);
	return rd ? summarize(rd, name, s, err) : -1;
}

int exl_wandb_summarize_mem(const void *buf, size_t len,
			    struct exl_wandb_summary *s, struct exl_err *err)
{
	struct exl_wandb_reader *rd;

	memset(s, 0, sizeof(*s));
	rd = exl_wandb_reader_mem(buf, len, "(memory)", err);
	return rd ? summarize(rd, "(memory)", s, err) : -1;
}

int exl_wandb_summarize(const char *path, struct exl_wandb_summary *s,
			struct exl_err *err)
{
	int fd, rc;

	memset(s, 0, sizeof(*s));
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ELOOP)
			return exl_errf(err, "%s: is a symlink, refusing to follow it", path);
		return exl_errnof(err, errno, "couldn't open %s", path);
	}
	rc = exl_wandb_summarize_fd(fd, path, s, err);
	close(fd);
	return rc;
}

void exl_wandb_summary_free(struct exl_wandb_summary *s)
{
	size_t i;

	for (i = 0; i < s->nstaged; i++)
		free(s->staged[i]);
	free(s->staged);
	s->staged = NULL;
	s->nstaged = 0;
}
