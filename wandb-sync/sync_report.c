/* sync_report.c - what exp-wandb-sync sync tells people and scripts. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "sync_item.h"
#include "sync_text.h"

static const char *const status_names[] = {
	[SYNC_PLANNED] = "planned", [SYNC_SKIPPED] = "skipped",
	[SYNC_NO_DEST] = "no-destination", [SYNC_OK] = "synced",
	[SYNC_FAILED] = "failed", [SYNC_INTERRUPTED] = "interrupted",
	[SYNC_BLOCKED] = "blocked",
};

/* dest: "entity/project (from ...)" into buf. */
static const char *dest(const struct sync_item *it, char *buf, size_t len)
{
	char e[256], p[256];

	if (it->entity_from && it->project_from &&
	    strcmp(it->entity_from, it->project_from) == 0)
		snprintf(buf, len, "%s/%s (from %s)", tty_safe(it->entity, e, sizeof(e)),
			 tty_safe(it->project, p, sizeof(p)), it->entity_from);
	else
		snprintf(buf, len, "%s/%s (entity from %s, project from %s)",
			 it->entity ? tty_safe(it->entity, e, sizeof(e)) : "?",
			 it->project ? tty_safe(it->project, p, sizeof(p)) : "?",
			 it->entity_from ? it->entity_from : "nowhere",
			 it->project_from ? it->project_from : "nowhere");
	return buf;
}

void sync_print_plan(const struct sync_item *it, const struct sync_summary *s)
{
	char a[512], b[4096], c[1024];
	size_t i;

	printf("wandb: %s\n", s->wandb ? s->wandb : "not found (put it on PATH or pass --wandb PATH)");
	if (s->key_from && !strcmp(s->key_from, "file"))
		printf("API key: from %s\n", s->key_file);
	else if (s->key_from)
		printf("API key: from WANDB_API_KEY in the environment\n");
	else
		printf("API key: %s\n", s->key_problem);
	for (i = 0; i < s->n; i++, it++) {
		const struct exl_wandb_run *r = &it->w.run;

		printf("%-7s %s  %s", it->status != SYNC_PLANNED ?
		       (it->status == SYNC_NO_DEST ? "ERROR" :
			it->status == SYNC_BLOCKED ? "wait" : "skip") :
		       it->append ? "append" : "sync",
		       tty_safe(exl_wandb_run_id(r), a, sizeof(a)),
		       tty_safe(show_path(r->dir, b, sizeof(b)), c, sizeof(c)));
		if (it->links > 1)
			printf("  (link %zu of %zu)", it->link, it->links);
		putchar('\n');
		if (it->status == SYNC_PLANNED || it->status == SYNC_NO_DEST)
			printf("        -> %s\n", dest(it, c, sizeof(c)));
		if (it->w.linked)
			printf("        run log: %s%s%s\n",
			       tty_safe(show_path(it->w.link.run_log, b, sizeof(b)), c, sizeof(c)),
			       it->w.link.job_id ? ", job " : "",
			       it->w.link.job_id ? tty_safe(it->w.link.job_id, a, sizeof(a)) : "");
		if (it->why[0])
			printf("        %s\n", tty_safe(it->why, c, sizeof(c)));
	}
}

/* print_tail: the child's last words, indented (already redacted). */
static void print_tail(const char *text)
{
	char line[512], safe[512];

	while (text && *text) {
		size_t n = strcspn(text, "\n");

		if (n) {
			snprintf(line, sizeof(line), "%.*s", (int)n, text);
			printf("        | %s\n", tty_safe(line, safe, sizeof(safe)));
		}
		text += n + (text[n] == '\n');
	}
}

void sync_print_result(const struct sync_item *it)
{
	char a[512], b[1024], c[4096];

	if (it->status == SYNC_OK) {
		printf("synced  %s  %s\n", tty_safe(exl_wandb_run_id(&it->w.run), a, sizeof(a)),
		       it->url);
		if (it->recorded)
			printf("        recorded in %s\n",
			       tty_safe(show_path(it->w.link.run_log, c, sizeof(c)), b, sizeof(b)));
		else if (it->record_error[0])
			printf("        but the run log was not updated: %s\n",
			       tty_safe(it->record_error, b, sizeof(b)));
	} else {
		printf("%s  %s  %s\n", it->status == SYNC_INTERRUPTED ? "STOPPED" : "FAILED",
		       tty_safe(exl_wandb_run_id(&it->w.run), a, sizeof(a)),
		       tty_safe(it->why, b, sizeof(b)));
		print_tail(it->stderr_tail);
	}
	fflush(stdout);
}

void sync_print_summary(const struct sync_summary *s)
{
	if (s->no_dest) {
		printf("%zu run%s without an entity or project: pass --entity and --project, or add\n"
		       "'- entity: NAME' and '- project: NAME' to the run log's ## W&B section\n",
		       s->no_dest, s->no_dest == 1 ? "" : "s");
		return;
	}
	if (s->dry_run) {
		printf("dry run: %zu run%s to sync, %zu skipped", s->planned,
		       s->planned == 1 ? "" : "s", s->skipped);
		if (s->blocked)
			printf(", %zu waiting for an earlier link", s->blocked);
		printf("; run again with --yes to sync\n");
		return;
	}
	if (s->failed)
		printf("%zu of %zu sync%s failed", s->failed, s->ok + s->failed,
		       s->ok + s->failed == 1 ? "" : "s");
	else
		printf("%zu run%s synced, %zu skipped", s->ok, s->ok == 1 ? "" : "s",
		       s->skipped);
	/* one line: what is left of a W&B run, and how to go on */
	if (s->blocked)
		printf("; %zu later link%s not synced (W&B takes a run's links in "
		       "order): sync again to go on", s->blocked,
		       s->blocked == 1 ? "" : "s");
	putchar('\n');
}

static json_object *item_json(const struct sync_item *it)
{
	const struct exl_wandb_run *r = &it->w.run;
	json_object *o = json_object_new_object();

	json_object_object_add(o, "dir", jpath(r->dir));
	json_object_object_add(o, "run_id", jstr(exl_wandb_run_id(r)));
	json_object_object_add(o, "state", json_object_new_string(r->have_sum ?
		exl_wandb_run_state(&r->sum) : "unreadable"));
	json_object_object_add(o, "entity", jstr(it->entity));
	json_object_object_add(o, "project", jstr(it->project));
	json_object_object_add(o, "entity_from", jstr(it->entity_from));
	json_object_object_add(o, "project_from", jstr(it->project_from));
	json_object_object_add(o, "run_log", jstr(it->w.linked ? it->w.link.run_log : NULL));
	json_object_object_add(o, "job_id", jstr(it->w.linked ? it->w.link.job_id : NULL));
	json_object_object_add(o, "link", json_object_new_int64((int64_t)it->link));
	json_object_object_add(o, "links", json_object_new_int64((int64_t)it->links));
	json_object_object_add(o, "append", json_object_new_boolean(it->append));
	json_object_object_add(o, "status", json_object_new_string(status_names[it->status]));
	json_object_object_add(o, "reason", jstr(it->why));
	json_object_object_add(o, "url", jstr(it->url));
	json_object_object_add(o, "url_from", jstr(it->url_from));
	json_object_object_add(o, "run_log_updated", json_object_new_boolean(it->recorded));
	json_object_object_add(o, "run_log_error", jstr(it->record_error));
	json_object_object_add(o, "stderr_tail", jstr(it->stderr_tail));
	return o;
}

void sync_print_json(const struct sync_item *it, const struct sync_summary *s)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	size_t i;

	json_object_object_add(o, "schema", json_object_new_int(WSYNC_JSON_SCHEMA));
	json_object_object_add(o, "dry_run", json_object_new_boolean(s->dry_run));
	json_object_object_add(o, "wandb", jstr(s->wandb));
	json_object_object_add(o, "api_key_from", jstr(s->key_from));
	json_object_object_add(o, "api_key_problem", jstr(s->key_problem));
	for (i = 0; i < s->n; i++)
		json_object_array_add(a, item_json(&it[i]));
	json_object_object_add(o, "runs", a);
	json_object_object_add(o, "planned", json_object_new_int64((int64_t)s->planned));
	json_object_object_add(o, "synced", json_object_new_int64((int64_t)s->ok));
	json_object_object_add(o, "failed", json_object_new_int64((int64_t)s->failed));
	json_object_object_add(o, "skipped", json_object_new_int64((int64_t)s->skipped));
	json_object_object_add(o, "no_destination", json_object_new_int64((int64_t)s->no_dest));
	json_object_object_add(o, "blocked", json_object_new_int64((int64_t)s->blocked));
	print_json(o);
}
