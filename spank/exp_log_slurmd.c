/* exp_log_slurmd.c - the job epilog: runs as root on every node of the
 * job, even after SIGKILL, cancellation or a time limit.  It is the last
 * line of defence: the scheduler's own verdict on the job is written into
 * the run log, whatever the job managed to do.
 *
 * Option callbacks do not run here; the thin plugin reads the values from
 * the job's SPANK environment (spank_option_getopt), and the run-log root
 * comes from SPANK_EXP_LOG_DIR set at submission.  All file work happens in a child
 * that has dropped to the job's uid for good; every node tries, the group
 * lock serialises them and only new information is written.  The root
 * comes from the job's environment, so the site's allowed_roots are
 * applied to it (in that child: the check looks at the path).
 */
#include <grp.h>
#include <stdint.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <slurm/spank.h>

#include "exp_log.h"
#include "util/jobstate.h"
#include "util/privdrop.h"
#include "config/config_flat.h"

#define EXP_LOG_MAX_GROUPS 256

/* job_groups: the user's supplementary groups, looked up while root. */
static int job_groups(uid_t uid, gid_t gid, gid_t *groups, int max)
{
	struct passwd *pw = getpwuid(uid);
	int n = max;

	if (!pw || getgrouplist(pw->pw_name, gid, groups, &n) < 0)
		return 0;
	return n;
}

struct close_arg {
	const struct exl_config *site;
	const char *root, *job_id;
	const struct exl_run_end *e;
};

/* close_in_child: as the job user, refuse a root the site does not
 * allow, then close the run log. */
static int close_in_child(void *arg, struct exl_err *err)
{
	const struct close_arg *a = arg;

	if (exl_config_root_allowed(a->site, a->root, err) < 0)
		return -1;
	return exl_run_end_noting(a->root, a->job_id, a->e, err);
}

int exp_log_slurmd_job_epilog(spank_t sp)
{
	struct exp_log_ctx *c = &exp_log_ctx;
	gid_t groups[EXP_LOG_MAX_GROUPS];
	struct exl_run_end e;
	struct exl_err err;
	char state[64], job_id[32];
	const char *root;
	struct passwd *pw;
	char home[1024];
	uint32_t jobid = 0;
	uid_t uid = 0;
	gid_t gid = 0;
	struct exl_config site;
	struct exl_config_problems probs;
	struct close_arg a;
	time_t end = 0;
	int code = 0, ngroups, rc;

	if (!c->opts->enabled)
		return 0;
	if (spank_get_item(sp, S_JOB_ID, &jobid) != ESPANK_SUCCESS ||
	    spank_get_item(sp, S_JOB_UID, &uid) != ESPANK_SUCCESS ||
	    spank_get_item(sp, S_JOB_GID, &gid) != ESPANK_SUCCESS) {
		slurm_error("exp-log: epilog: couldn't read job identity");
		return -1;
	}
	snprintf(job_id, sizeof(job_id), "%u", jobid);
	root = getenv("SPANK_EXP_LOG_DIR");
	if (!root && c->opts->dir && c->opts->dir[0] == '/')
		root = c->opts->dir;
	if (!root || root[0] != '/') {
		slurm_error("exp-log: epilog: job %s: run-log root unknown (submitted without the plugin on the submit host?)",
			    job_id);
		return -1;
	}
	/* 4 tries: 7 s of pauses at most, in a busy controller's favour */
	if (exp_log_job_record(job_id, 4, NULL, state, sizeof(state), &end,
			       &code) < 0)
		return -1;
	ngroups = job_groups(uid, gid, groups, EXP_LOG_MAX_GROUPS);
	memset(&e, 0, sizeof(e));
	e.end = end > 0 ? end : time(NULL);
	e.have_status = 1;
	e.wstatus = code;
	e.sched_state = state;
	e.source = "epilog";
	e.page = !c->opts->report_off;
	/* a copy: getpwuid's buffer is shared */
	if ((pw = getpwuid(uid)) && pw->pw_dir &&
	    snprintf(home, sizeof(home), "%s", pw->pw_dir) < (int)sizeof(home))
		e.home = home;
	/* the site file only (root's): the user's is never parsed here */
	memset(&site, 0, sizeof(site));
	memset(&probs, 0, sizeof(probs));
	exl_config_load_site(&site, c->pargs.site_config, &probs);
	a.site = &site;
	a.root = root;
	a.job_id = job_id;
	a.e = &e;
	rc = exl_as_user(uid, gid, groups, ngroups, 60, close_in_child, &a,
			 &err);
	exl_config_free(&site);
	if (rc < 0) {
		slurm_error("exp-log: epilog: job %s: couldn't close run log: %s",
			    job_id, err.text);
		return -1;
	}
	return 0;
}
