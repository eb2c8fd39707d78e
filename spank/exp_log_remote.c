/* exp_log_remote.c - slurmstepd side (S_CTX_REMOTE).
 *
 * user_init runs with the job user's effective uid but a saved uid of 0:
 * the user's exp-log.yaml is parsed in a child dropped to the job user
 * for good (config/config_flat.h: only a checked flat struct comes back);
 * the batch step (or step 0 on the first node of a job srun created)
 * writes the run log in a child that has dropped to the job user for good
 * (run logs, timeline and experiments table are parsed there, never
 * where root can come back; its reply is checked by job/begin_out.h);
 * the batch step's monitor is forked by that same child once the start
 * is written (one fork of slurmstepd per job instead of two) and reads
 * the slow facts, the git repository and the dataset, while the program
 * runs (job/run_late.h; a job without a monitor reads them in the
 * child); then the step exports EXP_LOG_RUN / EXP_LOG_STATE to the job.
 * With no ~/.config/exp-log.yaml (looked for as the user) no child reads
 * the user's configuration.  task_exit records the
 * exit status; exit runs as root, so closing the run log happens in a
 * child that has dropped to the job's uid for good.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <slurm/slurm.h>
#include <slurm/spank.h>

#include "exp_log.h"
#include "job/chain_resume.h"
#include "job/run_late.h"
#include "util/fileio.h"
#include "config/config_flat.h"
#include "job/begin_out.h"
#include "job/wandb_id.h"
#include "runstore/layout.h"
#include "util/privdrop.h"
#include "runstore/run_facts.h"
#include "runstore/unlogged.h"
#include "telemetry/telemetry_topo.h"
#include "sweep/sweep_map.h"
#include "sweep/sweep_chain.h"

/* getenv_job: a job environment variable into buf ("" if unset). */
static void getenv_job(spank_t sp, const char *name, char *buf, size_t len)
{
	if (spank_getenv(sp, name, buf, (int)len) != ESPANK_SUCCESS)
		buf[0] = '\0';
}

/* sweep_task: a task of an sbatch-exp sweep (EXP_LOG_SWEEP names its
 * map) takes its name and statepoints from the map, as the job user.
 * Returns 1 when it did, 0 when not a sweep task, -1 with err. */
static int sweep_task(spank_t sp, const char *arr_task, char *task,
		      struct exl_err *err)
{
	struct exp_log_ctx *c = &exp_log_ctx;
	char map[4096], spv[EXL_BEGIN_SP_MAX], *dup;

	getenv_job(sp, EXL_SWEEP_ENV, map, sizeof(map));
	if (!map[0] || !arr_task[0])
		return 0;
	if (exl_sweep_map_lookup(map, (unsigned)strtoul(arr_task, NULL, 10),
				 task, spv, sizeof(spv), err) < 0)
		return -1;
	/* a forked child: this copy of the options is the child's own */
	if (!(dup = strdup(spv)))
		return exl_errf(err, "sweep: out of memory");
	free(c->opts->statepoints);
	c->opts->statepoints = dup;
	return 1;
}

/* chain_links: a stage of an sbatch-exp chain (EXP_LOG_CHAIN names the
 * chain file, EXP_LOG_CHAIN_STAGE its stage) records the job it depends
 * on and the job that depends on it, read as the job user.  A chain
 * file that cannot be read is reported like a sweep problem. */
static void chain_links(spank_t sp, struct exl_job_facts *j,
			struct exl_err *err)
{
	char path[4096], stage[16], *end;
	unsigned long n;

	getenv_job(sp, EXL_CHAIN_ENV, path, sizeof(path));
	getenv_job(sp, EXL_CHAIN_STAGE_ENV, stage, sizeof(stage));
	if (!path[0] || !stage[0])
		return;
	n = strtoul(stage, &end, 10);
	if (*end || n == 0 || n > EXL_CHAIN_MAX_STAGES) {
		exl_errf(err, "%s=%s is not a stage number", EXL_CHAIN_STAGE_ENV,
			 stage);
		return;
	}
	exl_chain_links(path, (unsigned)n, j->depends_on, sizeof(j->depends_on),
			j->needed_by, sizeof(j->needed_by), err);
}

/* EXP_LOG_TIMING=1 in the job's environment (read at the step's start):
 * the phases of the start and the end go to the slurmd log. */
static int timing_on;

/* now_ms: a monotonic clock in milliseconds, for EXP_LOG_TIMING. */
static double now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return 0;
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* gather_facts: everything the run log's header needs but the slow
 * facts when f->late (the batch step: its monitor reads them); the
 * milliseconds the slow facts took go to ms[0]. */
static void gather_facts(spank_t sp, struct exl_run_facts *f, uid_t uid,
			 struct exl_err *sweep_err, double ms[1])
{
	struct exl_job_facts *j = &f->job;
	char buf[256], task[512], arr_job[32], arr_task[32];
	struct passwd *pw;
	double t;

	getenv_job(sp, "SLURM_SUBMIT_DIR", j->submit_dir, sizeof(j->submit_dir));
	getenv_job(sp, "SLURM_JOB_NAME", j->job_name, sizeof(j->job_name));
	getenv_job(sp, "SLURM_JOB_PARTITION", j->partition, sizeof(j->partition));
	getenv_job(sp, "SLURM_JOB_NODELIST", j->nodes, sizeof(j->nodes));
	getenv_job(sp, "SLURMD_NODENAME", j->batch_host, sizeof(j->batch_host));
	getenv_job(sp, "SLURM_JOB_NUM_NODES", buf, sizeof(buf));
	j->nnodes = atoi(buf);
	{
		uint32_t restarts = 0;

		/* the item, not SLURM_RESTART_COUNT: that variable is only
		 * added to the task environment after user_init */
		if (spank_get_item(sp, S_SLURM_RESTART_COUNT, &restarts) ==
		    ESPANK_SUCCESS)
			j->restart_count = (int)restarts;
	}
	getenv_job(sp, "SLURM_ARRAY_JOB_ID", arr_job, sizeof(arr_job));
	getenv_job(sp, "SLURM_ARRAY_TASK_ID", arr_task, sizeof(arr_task));
	if (arr_job[0] && arr_task[0])
		snprintf(j->array_id, sizeof(j->array_id), "%s_%s", arr_job,
			 arr_task);
	pw = getpwuid(uid);
	snprintf(j->user, sizeof(j->user), "%s", pw ? pw->pw_name : "");
	/* the submit side recovered --signal (see lib/sigspec.h) */
	getenv_job(sp, "SLURM_SPANK_EXP_LOG_SIGNAL", j->signal_spec,
		   sizeof(j->signal_spec));
	j->start = time(NULL);
	j->time_limit_min = 0xffffffffu;
	exp_log_job_record(j->job_id, 1, j, NULL, 0, NULL, NULL);
	{
		struct exl_err cerr;

		exl_err_clear(&cerr);
		chain_links(sp, j, &cerr);
		if (cerr.text[0] && !sweep_err->text[0])
			*sweep_err = cerr;
	}

	/* task: --exp-task or the job name, plus the array index */
	if (f->opts->task)
		snprintf(task, sizeof(task), "%s", f->opts->task);
	else
		exl_task_from_job_name(j->job_name, task, sizeof(task));
	if (sweep_task(sp, arr_task, task, sweep_err) == 1) {
		/* the sweep's stable task name, not the index */
	} else if (arr_task[0]) {
		size_t n = strlen(task);

		snprintf(task + n, sizeof(task) - n, "_%s", arr_task);
	}
	exl_sanitize_name(task, f->task);

	if (f->opts->config &&
	    exl_path_resolve(j->submit_dir, f->opts->config, f->config_abs,
			     sizeof(f->config_abs)) < 0)
		snprintf(f->config_error, sizeof(f->config_error),
			 "path too long");
	/* the slow facts: a batch job's monitor reads them once the program
	 * runs (job/run_late.h); a job without one, here, and so does one
	 * with nothing slow to read (no repository above its submit
	 * directory, no dataset): that costs a look up the path, where the
	 * monitor's late edit would cost a second write of the run log */
	if (f->late && !f->opts->dataset &&
	    !exl_gitstate_maybe_repo(j->submit_dir))
		f->late = 0;
	if (f->late) {
		ms[0] = 0;
	} else {
		t = now_ms();
		exl_run_slow_facts_read(f);
		ms[0] = now_ms() - t;
	}
	if (f->opts->checkpoint &&
	    exl_path_resolve(j->submit_dir, f->opts->checkpoint,
			     f->resumed_from, sizeof(f->resumed_from)) == 0)
		f->resumed_from_missing = access(f->resumed_from, F_OK) < 0;
	f->price_per_gpu_hour = exp_log_ctx.cfg.cost_per_gpu_hour;
	if (exp_log_ctx.cfg.currency)
		snprintf(f->currency, sizeof(f->currency), "%.15s",
			 exp_log_ctx.cfg.currency);
}

/* Status evidence every 30 minutes unless the user or the site says. */
#define EXP_LOG_STATUS_INTERVAL 1800
#define EXP_LOG_STALL_INTERVALS 3

/* alloc_cpus: how many CPUs the step has on this node, 0 unknown. */
static int alloc_cpus(spank_t sp)
{
	char *cores = NULL;
	int n;

	if (spank_get_item(sp, S_STEP_ALLOC_CORES, &cores) != ESPANK_SUCCESS ||
	    !cores)
		return 0;
	n = exl_cpulist_count(cores);
	return n > 0 ? n : 0;
}

/* monitor_cfg: the batch step's watcher's settings (lib/run_monitor.h)
 * in c->mcfg, from the run's facts f and c->paths. */
static void monitor_cfg(spank_t sp, struct exl_run_facts *f)
{
	struct exp_log_ctx *c = &exp_log_ctx;
	struct exl_run_monitor_cfg *m = &c->mcfg;

	snprintf(c->stdout_path, sizeof(c->stdout_path), "%s", f->job.stdout_path);
	snprintf(c->stderr_path, sizeof(c->stderr_path), "%s", f->job.stderr_path);
	snprintf(c->work_dir, sizeof(c->work_dir), "%s",
		 f->job.work_dir[0] ? f->job.work_dir : f->job.submit_dir);
	memset(m, 0, sizeof(*m));
	m->root = c->root;
	m->job_id = c->job_id;
	m->state_dir = c->paths.state_dir;
	m->run_log = c->paths.run_log;
	m->stdout_path = c->stdout_path;
	m->stderr_path = c->stderr_path;
	m->work_dir = c->work_dir;
	m->job_start = f->job.start;
	m->resume_checkpoint = c->paths.resume_checkpoint;
	m->status_interval = c->opts->status_interval_set ?
			     c->opts->status_interval : EXP_LOG_STATUS_INTERVAL;
	m->stall_intervals = c->cfg.stall_intervals > 0 ?
			     c->cfg.stall_intervals : EXP_LOG_STALL_INTERVALS;
	m->config = &c->cfg;
	if (c->opts->telemetry && f->job.batch_host[0]) {
		snprintf(c->telemetry_file, sizeof(c->telemetry_file),
			 "%.4000s/telemetry/%.200s.jsonl", c->paths.state_dir,
			 f->job.batch_host);
		m->gpu_util = exl_run_monitor_gpu_util;
		m->gpu_arg = c->telemetry_file;
		m->telemetry_file = c->telemetry_file;
		m->idle.gpu_percent = c->cfg.idle_gpu_percent;
		m->idle.cpu_percent = c->cfg.idle_cpu_percent;
		m->idle.after_s = c->cfg.idle_after;
		m->idle.ncpus = alloc_cpus(sp);
	}
	m->submit_dir = c->work_dir;
	m->n_env = 0;
	for (size_t i = 0; i < c->cfg.n_env_capture && i < EXP_LOG_MAX_ENV; i++) {
		c->env_names[i] = c->cfg.env_capture[i].name;
		c->env_cmds[i] = c->cfg.env_capture[i].command;
		m->n_env++;
	}
	m->env_names = c->env_names;
	m->env_commands = c->env_cmds;
	/* a resumed run's start wrote no pending code line: nothing to read */
	m->late = f->late && !c->paths.resumed ? f : NULL;
}

/* start_monitor: the batch step's watcher process, started from here
 * when the child that wrote the run log's start did not start it (see
 * begin_in_child).  Runs as the job user; a failure to start is logged,
 * never fatal. */
static void start_monitor(spank_t sp, struct exl_run_facts *f, uid_t uid)
{
	struct exp_log_ctx *c = &exp_log_ctx;
	struct exl_err err;
	gid_t gid;

	if (spank_get_item(sp, S_JOB_GID, &gid) != ESPANK_SUCCESS) {
		slurm_error("exp-log: job %s: couldn't read the job's gid", c->job_id);
		return;
	}
	monitor_cfg(sp, f);
	if (exl_monitor_start(&c->monitor, uid, gid, exl_run_monitor, &c->mcfg,
			      &err) < 0)
		slurm_error("exp-log: job %s: couldn't start the monitor: %s",
			    c->job_id, err.text);
	c->mcfg.late = NULL;	/* f was the monitor's to read, not ours */
}

/* export_wandb_run: the run's one W&B run id and W&B's data, cache and
 * artifact dirs inside the state dir (wandb_id.h); what the job set
 * itself stays. */
static void export_wandb_run(spank_t sp, const struct exp_log_ctx *c)
{
	struct exl_wandb_env env[EXL_WANDB_ENV_MAX];
	size_t n, i;

	if (!c->paths.wandb_dir[0])
		return;
	n = exl_wandb_env(c->paths.state_dir, c->paths.wandb_run_id, env,
			  EXL_WANDB_ENV_MAX);
	for (i = 0; i < n; i++)
		if (spank_setenv(sp, env[i].name, env[i].value,
				 env[i].overwrite) != ESPANK_SUCCESS)
			slurm_verbose("exp-log: %s kept as the job set it",
				      env[i].name);
}

/* export_wandb: --exp-wandb in the job's environment.  Offline runs land
 * in the run's state dir, where the epilog and exp-wandb-sync find them. */
static void export_wandb(spank_t sp, const struct exp_log_ctx *c)
{
	if (!c->opts->wandb)
		return;
	spank_setenv(sp, "WANDB_MODE", c->opts->wandb, 1);
	if (c->paths.wandb_dir[0])
		spank_setenv(sp, "WANDB_DIR", c->paths.wandb_dir, 1);
	if (c->opts->wandb_project)
		spank_setenv(sp, "WANDB_PROJECT", c->opts->wandb_project, 1);
	if (c->opts->wandb_entity)
		spank_setenv(sp, "WANDB_ENTITY", c->opts->wandb_entity, 1);
	if (c->opts->group)
		spank_setenv(sp, "WANDB_RUN_GROUP", c->opts->group, 0);
	export_wandb_run(sp, c);
}

/* setenv_sp: one EXP_SP_<NAME>=value in the job's environment. */
static int setenv_sp(void *arg, const char *env, const char *val)
{
	if (spank_setenv(arg, env, val, 1) != ESPANK_SUCCESS)
		slurm_verbose("exp-log: couldn't set %s", env);
	return 0;
}

/* export_statepoints: the run's statepoints (--exp-sp, or a sweep task's
 * from its map) as EXP_SP_<NAME> for the job; a sweep task's also
 * replace the options' for the rest of the step. */
static void export_statepoints(spank_t sp, const char *statepoints)
{
	struct exp_log_ctx *c = &exp_log_ctx;
	char *dup;

	if (statepoints[0] && (!c->opts->statepoints ||
			       strcmp(c->opts->statepoints, statepoints) != 0) &&
	    (dup = strdup(statepoints))) {
		free(c->opts->statepoints);
		c->opts->statepoints = dup;
	}
	if (c->opts->statepoints)
		exl_sweep_sp_each(c->opts->statepoints, setenv_sp, sp);
}

/* job_has_index: a run log already exists for this job id. */
static int job_has_index(const char *root, const char *job_id)
{
	char *p = exl_layout_job_index(root, job_id);
	int rc = p && access(p, F_OK) == 0;

	free(p);
	return rc;
}

/* job_home: the job's $HOME, else the passwd entry's ("" if neither). */
static void job_home(spank_t sp, uid_t uid, char *home, size_t len)
{
	struct passwd *pw;

	getenv_job(sp, "HOME", home, len);
	if (home[0] != '/' && (pw = getpwuid(uid)) && pw->pw_dir)
		snprintf(home, len, "%s", pw->pw_dir);
}

/* note_unlogged: the run log could not be written: leave the fallback
 * record in the user's home, where `runlog status` shows it (we run as
 * the user here: user_init). */
static void note_unlogged(spank_t sp, uid_t uid, const char *error)
{
	struct exp_log_ctx *c = &exp_log_ctx;
	struct exl_err err;
	char home[1024];

	job_home(sp, uid, home, sizeof(home));
	if (exl_unlogged_write(home, c->job_id, c->root, error, time(NULL),
			       &err) < 0)
		slurm_error("exp-log: job %s: couldn't leave a note in %s either: %s",
			    c->job_id, home, err.text);
}

struct begin_arg {
	spank_t sp;
	struct exl_run_facts *f;
	uid_t uid;
	struct exl_begin_out *out;	/* all the child sends back */
	/* the batch step: the monitor's pipes, and slurmstepd's pid (the
	 * monitor is started only from a forked child) */
	struct exl_monitor_pipes *mp;
	pid_t stepd;
};

/* record_uids: test hook (tests/cluster/05-security.t, 40-rootparse.t):
 * with EXP_LOG_TEST_UIDS_FILE in the job's environment, each process
 * that parses the user's files appends "WHAT" and its "Uid:" line of
 * /proc/self/status (real, effective, saved, fs), then "WHAT-groups" and
 * its "Groups:" line, there, opened as that process: "config"
 * (exp-log.yaml), "begin" (git, dataset, run logs). */
static void record_uids(spank_t sp, const char *what)
{
	char path[4096], buf[2048], *uid, *groups;
	ssize_t n;
	int fd;

	getenv_job(sp, "EXP_LOG_TEST_UIDS_FILE", path, sizeof(path));
	if (path[0] != '/')
		return;
	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	uid = strstr(buf, "\nUid:");
	groups = strstr(buf, "\nGroups:");
	if (!uid || !groups)
		return;
	uid++;
	groups++;
	uid[strcspn(uid, "\n")] = '\0';
	groups[strcspn(groups, "\n")] = '\0';
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd < 0)
		return;
	if (dprintf(fd, "%s %s\n%s-groups %s\n", what, uid, what, groups) < 0)
		slurm_verbose("exp-log: couldn't write %s", path);
	close(fd);
}

/* note_own_wandb_id: a job that sets WANDB_RUN_ID itself keeps it (the
 * plugin never overwrites it): a Status line says which id W&B gets. */
static void note_own_wandb_id(spank_t sp, const struct exl_run_paths *p)
{
	struct exp_log_ctx *c = &exp_log_ctx;
	char own[512], line[640];

	if (!p->wandb_run_id[0])
		return;
	getenv_job(sp, "WANDB_RUN_ID", own, sizeof(own));
	if (!own[0] || strcmp(own, p->wandb_run_id) == 0)
		return;
	snprintf(line, sizeof(line), "W&B: the job sets WANDB_RUN_ID=%.100s "
		 "itself: kept (this run's id is %s)", own, p->wandb_run_id);
	exl_run_status_once(c->root, c->job_id, line, NULL);
}

/* spawn_monitor: the batch step's monitor, started by the child that
 * wrote the run log's start, as the job user already, once that start
 * is written: one fork of slurmstepd less than exl_monitor_start's.
 * The child's pid goes back for the step's log; on failure the step
 * starts the monitor itself. */
static void spawn_monitor(struct begin_arg *a)
{
	struct exp_log_ctx *c = &exp_log_ctx;
	struct exl_err err;
	pid_t pid;

	if (!a->mp || getpid() == a->stepd)
		return;
	c->paths = a->out->paths;
	monitor_cfg(a->sp, a->f);
	pid = exl_monitor_spawn(a->mp, exl_run_monitor, &c->mcfg, &err);
	a->out->monitor_pid = pid > 0 ? pid : 0;
}

/* begin_in_child: as the job user for good: gather the facts (git,
 * dataset), write the run log, timeline and experiments entries. */
static int begin_in_child(void *arg, struct exl_err *err)
{
	struct begin_arg *a = arg;
	struct exp_log_ctx *c = &exp_log_ctx;
	struct exl_err sweep_err;
	double t0 = now_ms(), t;
	struct passwd *pw = getpwuid(a->uid);

	/* the user's own git configuration, not slurmstepd's HOME (root's,
	 * which libgit2 could not read and would fail on) */
	if (pw && pw->pw_dir && setenv("HOME", pw->pw_dir, 1) < 0)
		return exl_errnof(err, errno, "couldn't set HOME");
	record_uids(a->sp, "begin");
	exl_err_clear(&sweep_err);
	gather_facts(a->sp, a->f, a->uid, &sweep_err, &a->out->ms[1]);
	t = now_ms();
	a->out->ms[0] = t - t0;
	if (exl_run_begin(c->root, a->f, &a->out->paths, err) < 0)
		return -1;
	a->out->ms[3] = now_ms() - t;
	{
		char line[300];

		if (exl_chain_start_problem(a->f, line, sizeof(line)))
			exl_run_status(c->root, c->job_id, line, NULL);
	}
	note_own_wandb_id(a->sp, &a->out->paths);
	a->out->ms[4] = exl_lock_longest_wait_ms();
	if (sweep_err.text[0]) {
		char line[sizeof(sweep_err.text) + 32];

		snprintf(line, sizeof(line), "sweep problem: %s", sweep_err.text);
		exl_run_status(c->root, c->job_id, line, NULL);
	}
	if (c->opts->statepoints)
		snprintf(a->out->statepoints, sizeof(a->out->statepoints), "%s",
			 c->opts->statepoints);
	/* configuration problems, where the user will read them */
	for (size_t i = 0; i < c->probs.count && i < EXL_CONFIG_PROBLEMS_MAX; i++) {
		char line[EXL_CONFIG_PROBLEM_LEN + 32];

		snprintf(line, sizeof(line), "config problem: %s", c->probs.msg[i]);
		exl_run_status(c->root, c->job_id, line, NULL);
	}
	a->out->job = a->f->job;
	spawn_monitor(a);
	return 0;
}

/* How long the run log's start may take (a job without a monitor reads
 * git and hashes the dataset in it). */
#define EXP_LOG_BEGIN_TIMEOUT_S 300
#define EXP_LOG_MAX_GROUPS 256

/* The job user's ids, looked up once in user_init. */
struct job_cred {
	uid_t uid;
	gid_t gid;
	gid_t groups[EXP_LOG_MAX_GROUPS];
	int ngroups;
};

/* job_cred: the job's uid, gid and supplementary groups: the ones Slurm
 * gave the step (its tasks run with them), so no group database is
 * enumerated per job (getgrouplist() asks every NSS module: 0.4 ms with
 * files and systemd here, a round trip to sssd or LDAP on many
 * clusters); the user's groups from NSS only when the step has none. */
static int job_cred(spank_t sp, uid_t uid, struct job_cred *jc)
{
	struct passwd *pw;
	gid_t *gids = NULL;
	int ngids = 0;

	jc->uid = uid;
	jc->ngroups = EXP_LOG_MAX_GROUPS;
	if (spank_get_item(sp, S_JOB_GID, &jc->gid) != ESPANK_SUCCESS)
		return -1;
	if (spank_get_item(sp, S_JOB_SUPPLEMENTARY_GIDS, &gids, &ngids) ==
	    ESPANK_SUCCESS && gids && ngids > 0) {
		/* more than fit: the first ones, as setgroups() takes them */
		jc->ngroups = ngids < EXP_LOG_MAX_GROUPS ? ngids :
			      EXP_LOG_MAX_GROUPS;
		memcpy(jc->groups, gids, (size_t)jc->ngroups * sizeof(gid_t));
		return 0;
	}
	pw = getpwuid(uid);
	if (!pw || getgrouplist(pw->pw_name, jc->gid, jc->groups,
				&jc->ngroups) < 0)
		jc->ngroups = 0;
	return 0;
}

/* own_run: create (or resume) the run log and start the monitor; the
 * batch step, or step 0 on the first node of a job without one. */
static int own_run(spank_t sp, struct exl_run_facts *f,
		   const struct job_cred *jc, int batch)
{
	struct exp_log_ctx *c = &exp_log_ctx;
	static struct exl_begin_out out;
	uid_t uid = jc->uid;
	struct exl_monitor_pipes mp;
	struct begin_arg a = { sp, f, uid, &out, NULL, getpid() };
	struct exl_err err;
	double t = now_ms();

	c->batch = batch;
	/* the batch step's monitor reads the slow facts (job/run_late.h) */
	f->late = batch;
	memset(&out, 0, sizeof(out));
	if (batch && exl_monitor_pipes_open(&mp, &err) == 0)
		a.mp = &mp;
	if (exl_as_user_out(uid, jc->gid, jc->groups, jc->ngroups,
			    EXP_LOG_BEGIN_TIMEOUT_S, begin_in_child, &a, &out,
			    sizeof(out), &err) < 0) {
		slurm_error("exp-log: job %s: couldn't write run log: %s", c->job_id,
			    err.text);
		note_unlogged(sp, uid, err.text);
		if (a.mp)
			exl_monitor_pipes_close(a.mp);
		return -1;
	}
	/* the child parsed the user's files: its reply is hostile input */
	if (exl_begin_out_check(&out, c->root, &err) < 0) {
		slurm_error("exp-log: job %s: the run log's start sent back %s: ignored",
			    c->job_id, err.text);
		if (a.mp)
			exl_monitor_pipes_close(a.mp);
		return -1;
	}
	if (a.mp && out.monitor_pid > 0)
		exl_monitor_adopt(&c->monitor, a.mp, out.monitor_pid);
	else if (a.mp)
		exl_monitor_pipes_close(a.mp);
	c->paths = out.paths;
	f->job = out.job;
	c->owner = 1;
	spank_setenv(sp, "EXP_LOG_RUN", c->paths.run_log, 1);
	spank_setenv(sp, "EXP_LOG_STATE", c->paths.state_dir, 1);
	export_statepoints(sp, out.statepoints);
	exp_log_export_chain(sp, c, &c->paths, &f->job);
	export_wandb(sp, c);
	slurm_verbose("exp-log: job %s: run log %s", c->job_id, c->paths.run_log);
	if (timing_on)
		slurm_info("exp-log: timing: job %s: as_user %.1f, facts %.1f, "
			   "slow_facts %.1f, write %.1f, lock_wait %.1f",
			   c->job_id, now_ms() - t, out.ms[0], out.ms[1],
			   out.ms[3], out.ms[4]);
	t = now_ms();
	if (batch && out.monitor_pid <= 0)
		start_monitor(sp, f, uid);
	if (timing_on && batch)
		slurm_info("exp-log: timing: job %s: monitor %.1f",
			   c->job_id, now_ms() - t);
	return 0;
}

/* How long the parse of the user's exp-log.yaml may take. */
#define EXP_LOG_CONFIG_TIMEOUT_S 60

/* config_hook: in the config child, after the drop (test hook). */
static void config_hook(void *sp)
{
	record_uids(sp, "config");
}

/* load_config: site file here, the user's in a dropped child. */
static void load_config(spank_t sp, const struct job_cred *jc)
{
	struct exl_config_user u = {
		.uid = jc->uid, .gid = jc->gid, .groups = jc->groups,
		.ngroups = jc->ngroups,
		.timeout_s = EXP_LOG_CONFIG_TIMEOUT_S,
		.in_child = config_hook, .arg = sp,
	};
	struct passwd *pw = getpwuid(jc->uid);
	char home[4096];

	/* a copy: getpwuid's buffer is shared */
	if (pw && pw->pw_dir &&
	    snprintf(home, sizeof(home), "%s", pw->pw_dir) < (int)sizeof(home))
		exp_log_load_config_as(&u, home);
	else
		exp_log_load_config_as(&u, NULL);
}

/* telemetry: start the step's sampler in the run's state dir: this
 * step's own, else the job index's, read in a dropped child. */
static void telemetry(spank_t sp, const struct job_cred *jc,
		      uint32_t stepid, int batch)
{
	struct exp_log_ctx *c = &exp_log_ctx;
	static char state_dir[4096];
	struct exl_err err;
	int rc;

	if (c->paths.state_dir[0]) {
		exp_log_telemetry_start(sp, stepid, batch, c->paths.state_dir);
		return;
	}
	rc = exl_run_state_dir_as_user(c->root, c->job_id, jc->uid, jc->gid,
				       jc->groups, jc->ngroups,
				       EXP_LOG_CONFIG_TIMEOUT_S, state_dir,
				       sizeof(state_dir), &err);
	if (rc < 0)
		slurm_error("exp-log: job %s: telemetry off: %s", c->job_id,
			    err.text);
	if (rc == 0)
		exp_log_telemetry_start(sp, stepid, batch, state_dir);
}

int exp_log_remote_user_init(spank_t sp)
{
	static struct job_cred jc;
	struct exp_log_ctx *c = &exp_log_ctx;
	struct exl_run_facts f;
	struct exl_err err;
	uint32_t jobid = 0, stepid = 0, nodeid = 0;
	uid_t uid = 0;
	int batch;
	double t0, t;
	char tv[8];

	if (!c->opts->enabled)
		return 0;
	/* EXP_LOG_TIMING=1 in the job's environment: the phases of the
	 * step's start, "name ms" pairs, to the slurmd log
	 * (bench/plugin-overhead.sh) */
	getenv_job(sp, "EXP_LOG_TIMING", tv, sizeof(tv));
	timing_on = tv[0] == '1';
	t0 = now_ms();
	if (spank_get_item(sp, S_JOB_ID, &jobid) != ESPANK_SUCCESS ||
	    spank_get_item(sp, S_JOB_STEPID, &stepid) != ESPANK_SUCCESS ||
	    spank_get_item(sp, S_JOB_NODEID, &nodeid) != ESPANK_SUCCESS ||
	    spank_get_item(sp, S_JOB_UID, &uid) != ESPANK_SUCCESS) {
		slurm_error("exp-log: remote: couldn't read job identity");
		return -1;
	}
	if (stepid == SLURM_EXTERN_CONT || stepid == SLURM_INTERACTIVE_STEP)
		return 0;
	batch = stepid == SLURM_BATCH_SCRIPT;
	memset(&f, 0, sizeof(f));
	f.opts = c->opts;
	snprintf(c->job_id, sizeof(c->job_id), "%u", jobid);
	snprintf(f.job.job_id, sizeof(f.job.job_id), "%u", jobid);
	getenv_job(sp, "SLURM_SUBMIT_DIR", f.job.submit_dir,
		   sizeof(f.job.submit_dir));
	if (job_cred(sp, uid, &jc) < 0) {
		slurm_error("exp-log: job %u: couldn't read the job's gid", jobid);
		return -1;
	}
	load_config(sp, &jc);
	/* a requeued link looks for the earlier links' checkpoints */
	f.ckpt_globs = c->cfg.checkpoint_patterns;
	f.n_ckpt_globs = c->cfg.n_checkpoint_patterns;
	t = now_ms();
	if (exp_log_resolve_root(c->opts->dir, f.job.submit_dir, c->root,
				 sizeof(c->root)) < 0) {
		slurm_error("exp-log: remote: run-log path too long");
		return -1;
	}
	if (exp_log_root_allowed(c->root, &err) < 0) {
		slurm_error("exp-log: job %u: %s", jobid, err.text);
		return -1;
	}
	/* Without a batch script (a job srun or salloc created), the first
	 * node's step 0 owns the run log. */
	if ((batch || (nodeid == 0 && stepid == 0 &&
		       !job_has_index(c->root, c->job_id))) &&
	    own_run(sp, &f, &jc, batch) < 0)
		return -1;
	if (timing_on)
		slurm_info("exp-log: timing: job %u step %u: configuration %.1f, "
			   "own_run %.1f", jobid, stepid, t - t0,
			   now_ms() - t);
	t = now_ms();
	if (c->opts->telemetry)
		telemetry(sp, &jc, stepid, batch);
	if (timing_on)
		slurm_info("exp-log: timing: job %u step %u: telemetry %.1f, "
			   "user_init %.1f", jobid, stepid, now_ms() - t,
			   now_ms() - t0);
	return 0;
}

int exp_log_remote_task_exit(spank_t sp)
{
	struct exp_log_ctx *c = &exp_log_ctx;
	int status = 0;

	if (!c->owner)
		return 0;
	if (spank_get_item(sp, S_TASK_EXIT_STATUS, &status) != ESPANK_SUCCESS)
		return 0;
	/* several tasks: the first failure is the step's story */
	if (!c->have_status || (c->wstatus == 0 && status != 0))
		c->wstatus = status;
	c->have_status = 1;
	return 0;
}

int exp_log_remote_exit(spank_t sp)
{
	struct exp_log_ctx *c = &exp_log_ctx;
	char home[1024], report[1024];
	struct exl_run_monitor_end me;
	struct exl_run_end e;
	struct exl_err err;
	uid_t uid;
	gid_t gid, *gids = NULL;
	int ngids = 0, ended;
	double t0, t;

	/* Only a batch script's end is the job's end; an allocation made by
	 * srun or salloc is closed by the epilog from the job record. */
	if (!c->owner || !c->batch)
		return 0;
	if (spank_get_item(sp, S_JOB_UID, &uid) != ESPANK_SUCCESS ||
	    spank_get_item(sp, S_JOB_GID, &gid) != ESPANK_SUCCESS) {
		slurm_error("exp-log: job %s: couldn't read job uid/gid", c->job_id);
		return -1;
	}
	if (spank_get_item(sp, S_JOB_SUPPLEMENTARY_GIDS, &gids, &ngids) !=
	    ESPANK_SUCCESS) {
		gids = NULL;
		ngids = 0;
	}
	t0 = now_ms();
	exp_log_telemetry_stop();
	t = now_ms();
	memset(&e, 0, sizeof(e));
	e.end = time(NULL);
	e.have_status = c->have_status;
	e.wstatus = c->wstatus;
	e.source = "step";
	e.page = !c->opts->report_off;
	/* the monitor writes its last evidence and Results, and with them
	 * the end told here (one edit); it tells us whether it did, and the
	 * run-log writes that failed (full or read-only disk) */
	me.magic = EXL_RUN_MONITOR_END_MAGIC;
	me.have_status = e.have_status;
	me.wstatus = e.wstatus;
	me.page = e.page;
	me.end = (long long)e.end;
	if (exl_monitor_stop_with(&c->monitor, &me, sizeof(me), 60, report,
				  sizeof(report)) < 0)
		slurm_error("exp-log: job %s: monitor did not finish in 60 s",
			    c->job_id);
	ended = report[0] == EXL_RUN_MONITOR_ENDED;
	if (timing_on)
		slurm_info("exp-log: timing: job %s: telemetry_stop %.1f, "
			   "monitor_end %.1f", c->job_id, t - t0,
			   now_ms() - t);
	if (report[ended])
		slurm_error("exp-log: job %s: %s", c->job_id, report + ended);
	if (ended)
		return 0;
	job_home(sp, uid, home, sizeof(home));
	e.home = home[0] == '/' ? home : NULL;
	if (exl_run_end_as_user(uid, gid, gids, ngids, c->root, c->job_id, &e,
				&err) < 0) {
		slurm_error("exp-log: job %s: couldn't close run log: %s",
			    c->job_id, err.text);
		return -1;
	}
	return 0;
}
