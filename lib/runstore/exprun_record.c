/* exprun_record.c - exp-run's records in a state dir (see
 * exprun_record.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runstore/exprun_record.h"
#include "util/fileio.h"
#include "util/jsonfile.h"
#include "util/timefmt.h"

#define RESULT_FILE "exp-run.json"
#define SIGNALS_FILE "signals.jsonl"
/* Largest result and signal log read back. */
#define RESULT_MAX (1u << 16)
#define SIGNALS_MAX (16u << 20)

static char *result_path(const char *state_dir, int rank)
{
	char *p;

	if (rank == 0)
		return exl_path_join(state_dir, RESULT_FILE);
	if (asprintf(&p, "%s/exp-run.%d.json", state_dir, rank) < 0)
		return NULL;
	return p;
}

/* put_chain: the "chain" object of exp-run.json. */
static void put_chain(json_object *o, const struct exl_exprun_chain *c)
{
	json_object *ch = json_object_new_object();

	if (!ch)
		return;
	exl_json_set_str(ch, "decision", c->decision);
	exl_json_set_str(ch, "reason", c->reason);
	exl_json_set_str(ch, "text", c->text);
	exl_json_set_double(ch, "at", c->at);
	exl_json_set_int(ch, "link", c->link);
	exl_json_set_int(ch, "max", c->max);
	exl_json_set_int(ch, "stalled", c->stalled);
	exl_json_set_int(ch, "stall_limit", c->stall_limit);
	if (c->checkpoint[0])
		exl_json_set_str(ch, "checkpoint", c->checkpoint);
	json_object_object_add(o, "chain", ch);
}

/* copy_str: a string member of o into buf ("" when absent). */
static void copy_str(json_object *o, const char *key, char *buf, size_t len)
{
	const char *s = exl_json_str(o, key);

	snprintf(buf, len, "%s", s ? s : "");
}

/* get_chain: exp-run.json's "chain" object, when it has a decision. */
static void get_chain(json_object *o, struct exl_exprun_chain *c)
{
	json_object *ch;

	if (!json_object_object_get_ex(o, "chain", &ch) ||
	    !json_object_is_type(ch, json_type_object))
		return;
	copy_str(ch, "decision", c->decision, sizeof(c->decision));
	copy_str(ch, "reason", c->reason, sizeof(c->reason));
	copy_str(ch, "text", c->text, sizeof(c->text));
	copy_str(ch, "checkpoint", c->checkpoint, sizeof(c->checkpoint));
	c->at = exl_json_double(ch, "at", 0);
	c->link = (int)exl_json_int(ch, "link", 0);
	c->max = (int)exl_json_int(ch, "max", 0);
	c->stalled = (int)exl_json_int(ch, "stalled", 0);
	c->stall_limit = (int)exl_json_int(ch, "stall_limit", 0);
}

int exl_exprun_write(const char *state_dir, const struct exl_exprun_result *r,
		     struct exl_err *err)
{
	char *path = result_path(state_dir, r->rank);
	json_object *o = json_object_new_object();
	int rc;

	if (!path || !o) {
		free(path);
		json_object_put(o);
		return exl_errnof(err, ENOMEM, "couldn't record the result");
	}
	exl_json_set_int(o, "exit_code", r->exit_code);
	exl_json_set_int(o, "wstatus", r->wstatus);
	exl_json_set_str(o, "exit", r->exit);
	exl_json_set_double(o, "start", r->start);
	exl_json_set_double(o, "end", r->end);
	exl_json_set_int(o, "rank", r->rank);
	exl_json_set_str(o, "host", r->host);
	if (r->term_signal[0]) {
		exl_json_set_str(o, "term_signal", r->term_signal);
		exl_json_set_double(o, "term_time", r->term_time);
		exl_json_set_int(o, "grace", r->grace);
		exl_json_set_double(o, "exited_after", r->exited_after);
		exl_json_set_bool(o, "killed", r->killed);
	}
	if (r->chain.decision[0])
		put_chain(o, &r->chain);
	rc = exl_json_write(path, o, err);
	json_object_put(o);
	free(path);
	return rc;
}

int exl_exprun_read(const char *state_dir, struct exl_exprun_result *r)
{
	char *path = result_path(state_dir, 0);
	json_object *o;
	const char *s;

	memset(r, 0, sizeof(*r));
	if (!path)
		return -1;
	o = exl_json_read(path, RESULT_MAX, NULL);
	free(path);
	if (!o || !exl_json_has(o, "exit_code")) {
		json_object_put(o);
		return 1;
	}
	r->exit_code = (int)exl_json_int(o, "exit_code", -1);
	r->wstatus = (int)exl_json_int(o, "wstatus",
				       (long long)(r->exit_code & 0xff) << 8);
	snprintf(r->exit, sizeof(r->exit), "%s",
		 exl_json_str(o, "exit") ? exl_json_str(o, "exit") : "");
	r->start = exl_json_double(o, "start", 0);
	r->end = exl_json_double(o, "end", 0);
	r->rank = (int)exl_json_int(o, "rank", 0);
	snprintf(r->host, sizeof(r->host), "%s",
		 exl_json_str(o, "host") ? exl_json_str(o, "host") : "");
	s = exl_json_str(o, "term_signal");
	if (s) {
		snprintf(r->term_signal, sizeof(r->term_signal), "%s", s);
		r->term_time = exl_json_double(o, "term_time", 0);
		r->exited_after = exl_json_double(o, "exited_after", 0);
		r->killed = exl_json_bool(o, "killed");
		r->grace = (int)exl_json_int(o, "grace", 0);
	}
	get_chain(o, &r->chain);
	json_object_put(o);
	return 0;
}

int exl_exprun_signal_add(const char *state_dir, double when,
			  const char *sig_name, int rank, const char *host,
			  const char *action, struct exl_err *err)
{
	char *path = exl_path_join(state_dir, SIGNALS_FILE), iso[40];
	json_object *o = json_object_new_object();
	int rc;

	if (!path || !o) {
		free(path);
		json_object_put(o);
		return exl_errnof(err, ENOMEM, "couldn't record a signal");
	}
	exl_time_iso((time_t)when, iso, sizeof(iso));
	exl_json_set_double(o, "time", when);
	exl_json_set_str(o, "iso", iso);
	if (sig_name)
		exl_json_set_str(o, "signal", sig_name);
	exl_json_set_int(o, "rank", rank);
	exl_json_set_str(o, "host", host);
	exl_json_set_str(o, "action", action);
	rc = exl_jsonl_append(path, o, err);
	json_object_put(o);
	free(path);
	return rc;
}

double exl_exprun_signal_first(const char *state_dir, const char *sig_name,
			       double since)
{
	char *path = exl_path_join(state_dir, SIGNALS_FILE);
	char *buf = NULL, *p, *nl;
	double t = 0;

	if (!path || exl_read_file(path, SIGNALS_MAX, &buf, NULL, NULL) < 0) {
		free(path);
		return 0;
	}
	for (p = buf; p && *p && t == 0; p = nl ? nl + 1 : NULL) {
		json_object *o;
		const char *s;

		nl = strchr(p, '\n');
		o = exl_json_parse(p, nl ? (size_t)(nl - p) : strlen(p), path, NULL);
		s = exl_json_str(o, "signal");
		if (s && strcmp(s, sig_name) == 0 &&
		    exl_json_double(o, "time", 0) >= since)
			t = exl_json_double(o, "time", 0);
		json_object_put(o);
	}
	free(buf);
	free(path);
	return t;
}
