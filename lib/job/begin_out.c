/* begin_out.c - the parent's check of a begin child's reply (see
 * begin_out.h). */
#include <stdio.h>
#include <string.h>

#include "job/begin_out.h"
#include "util/privdrop.h"
#include "wandb/wandb_chain.h"

#define TERMINATED(field) (memchr((field), '\0', sizeof(field)) != NULL)

/* plain: a terminated string without control characters. */
static int plain(const char *s, size_t n)
{
	const unsigned char *p;

	if (!memchr(s, '\0', n))
		return 0;
	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* below: path lies strictly below dir (whole components) and has no
 * ".." component after it (dir itself is the parent's own choice). */
static int below(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	const char *rest, *p;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (dir[0] != '/' || strncmp(path, dir, n) != 0 ||
	    (n > 1 && path[n] != '/'))
		return 0;
	rest = path + (n > 1 ? n : 0);
	if (!rest[0] || !rest[1])
		return 0;
	for (p = rest; (p = strstr(p, "..")); p += 2)
		if (p[-1] == '/' && (p[2] == '/' || !p[2]))
			return 0;
	return 1;
}

/* facts_terminated: every string of the job's facts ends in its field. */
static int facts_terminated(const struct exl_job_facts *j)
{
	return TERMINATED(j->job_id) && TERMINATED(j->array_id) &&
	       TERMINATED(j->job_name) && TERMINATED(j->user) &&
	       TERMINATED(j->nodes) && TERMINATED(j->partition) &&
	       TERMINATED(j->signal_spec) && TERMINATED(j->batch_host) &&
	       TERMINATED(j->script) && TERMINATED(j->work_dir) &&
	       TERMINATED(j->stdout_path) && TERMINATED(j->stderr_path) &&
	       TERMINATED(j->tres) && TERMINATED(j->submit_dir);
}

int exl_begin_out_check(const struct exl_begin_out *o, const char *root,
			struct exl_err *err)
{
	const struct exl_run_paths *p = &o->paths;
	const struct exl_job_facts *j = &o->job;

	if (!plain(p->run_log, sizeof(p->run_log)) ||
	    !below(p->run_log, root))
		return exl_errf(err, "run log path: not a path below %s", root);
	if (!plain(p->state_dir, sizeof(p->state_dir)) ||
	    !below(p->state_dir, root))
		return exl_errf(err, "state dir: not a path below %s", root);
	if (!plain(p->wandb_dir, sizeof(p->wandb_dir)) ||
	    (p->wandb_dir[0] && !below(p->wandb_dir, p->state_dir)))
		return exl_errf(err, "W&B dir: not a path below the state dir");
	if (!plain(p->resume_checkpoint, sizeof(p->resume_checkpoint)) ||
	    !plain(p->resume_step, sizeof(p->resume_step)) ||
	    strspn(p->resume_step, "0123456789") != strlen(p->resume_step))
		return exl_errf(err, "resume checkpoint or step: not a terminated path and a number");
	if (!TERMINATED(p->wandb_run_id) ||
	    (p->wandb_run_id[0] && exl_wandb_valid_run_id(p->wandb_run_id) < 0))
		return exl_errf(err, "W&B run id: not letters, digits and '_'");
	if (p->resumed != 0 && p->resumed != 1)
		return exl_errf(err, "resumed: %d is not 0 or 1", p->resumed);
	if (o->monitor_pid < 0)
		return exl_errf(err, "monitor pid: %ld is negative",
				(long)o->monitor_pid);
	if (!facts_terminated(j))
		return exl_errf(err, "job facts: a string not terminated in its field");
	if (!plain(j->stdout_path, sizeof(j->stdout_path)) ||
	    !plain(j->stderr_path, sizeof(j->stderr_path)) ||
	    !plain(j->work_dir, sizeof(j->work_dir)) ||
	    !plain(j->submit_dir, sizeof(j->submit_dir)) ||
	    !plain(j->batch_host, sizeof(j->batch_host)))
		return exl_errf(err, "job facts: a control character in a path or host");
	if (!plain(o->statepoints, sizeof(o->statepoints)))
		return exl_errf(err, "statepoints: not a terminated line");
	return 0;
}

/* What the state-dir child sends back. */
struct state_reply {
	int found;
	char dir[4096];
};

struct state_arg {
	const char *root, *job_id;
	struct state_reply *out;
};

/* state_in_child: as the job user: the index entry's state dir. */
static int state_in_child(void *arg, struct exl_err *err)
{
	struct state_arg *a = arg;
	int rc = exl_run_state_dir(a->root, a->job_id, a->out->dir,
				   sizeof(a->out->dir), err);

	if (rc < 0)
		return -1;
	a->out->found = rc == 0;
	return 0;
}

int exl_run_state_dir_as_user(const char *root, const char *job_id,
			      uid_t uid, gid_t gid, const gid_t *groups,
			      int ngroups, int timeout_s, char *out,
			      size_t len, struct exl_err *err)
{
	static struct state_reply r;
	struct state_arg a = { root, job_id, &r };

	memset(&r, 0, sizeof(r));
	if (exl_as_user_out(uid, gid, groups, ngroups, timeout_s,
			    state_in_child, &a, &r, sizeof(r), err) < 0)
		return -1;
	if (r.found != 0 && r.found != 1)
		return exl_errf(err, "job index: a reply that is not yes or no");
	if (!r.found)
		return 1;
	if (!plain(r.dir, sizeof(r.dir)) || !below(r.dir, root))
		return exl_errf(err, "job index: state dir not a path below %s",
				root);
	if (snprintf(out, len, "%s", r.dir) >= (int)len)
		return exl_errf(err, "job index: state dir too long");
	return 0;
}
