/* floor_log.c - the least a per-job run log can cost a job, for
 * bench/job-array.sh and bench/plugin-overhead.sh: a SPANK plugin that,
 * for a job submitted with --floor-log, does only what any run log that
 * is written as the user and survives a crash must do.  At the start
 * (user_init of the batch step) one forked child drops to the job's user
 * for good, writes ROOT/JOBID.md through a temp file, fsync and rename;
 * at the end (the job epilog, as root in slurmd's slurmstepd) one forked
 * child drops to the user and appends an end line, synced.  No
 * configuration, no facts, no monitor, no index, no page: whatever
 * exp-log costs beyond this is its own.
 *
 *   optional /path/floor_log.so root=DIR     (plugstack.conf)
 *
 * A job srun created has no batch step: there step 0 on the job's first
 * node writes the start, as exp-log's does (bench/plugin-overhead.sh).
 *
 * Built by job-array.sh and plugin-overhead.sh with the test bed's Slurm
 * headers; never installed.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <slurm/slurm.h>
#include <slurm/spank.h>

SPANK_PLUGIN(floor_log, 1);

static int enabled;
static char root[1024];

static int opt_cb(int val, const char *optarg, int remote)
{
	(void)val;
	(void)optarg;
	(void)remote;
	enabled = 1;
	return 0;
}

static struct spank_option opt = {
	"floor-log", NULL, "bench: the least per-job run log (job-array.sh)",
	0, 0, opt_cb
};

/* args: root=DIR from plugstack.conf */
static void args(int ac, char **av)
{
	for (int i = 0; i < ac; i++)
		if (strncmp(av[i], "root=", 5) == 0)
			snprintf(root, sizeof(root), "%s", av[i] + 5);
}

int slurm_spank_init(spank_t sp, int ac, char **av)
{
	args(ac, av);
	if (spank_context() == S_CTX_JOB_SCRIPT)
		return 0;
	return spank_option_register(sp, &opt) == ESPANK_SUCCESS ? 0 : -1;
}

/* as_user: fork, drop to uid/gid for good, write (start) or append (end)
 * ROOT/JOBID.md with an fsync; the parent waits.  0 when it worked. */
static int as_user(uid_t uid, gid_t gid, uint32_t job, int end)
{
	char path[1100], tmp[1200], line[64];
	int status = 1, fd, n;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* user_init runs with the user's effective uid and root's
		 * saved one: root again, then the user for good */
		if ((geteuid() != 0 && seteuid(0) < 0) ||
		    setgroups(1, &gid) < 0 || setresgid(gid, gid, gid) < 0 ||
		    setresuid(uid, uid, uid) < 0)
			_exit(2);
		snprintf(path, sizeof(path), "%s/%u.md", root, job);
		n = snprintf(line, sizeof(line), "%s: job %u\n",
			     end ? "end" : "start", job);
		if (end) {
			fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW);
			if (fd < 0 || write(fd, line, n) != n || fsync(fd) < 0)
				_exit(3);
			_exit(close(fd) < 0 ? 3 : 0);
		}
		snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
		if (fd < 0 || write(fd, line, n) != n || fsync(fd) < 0 ||
		    close(fd) < 0 || rename(tmp, path) < 0)
			_exit(3);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* log_job: the job's start or end (end) written as its user; a failure
 * goes to slurmd's log, never to the job. */
static int log_job(spank_t sp, int end)
{
	uint32_t job = 0;
	uid_t uid = 0;
	gid_t gid = 0;

	if (spank_get_item(sp, S_JOB_ID, &job) != ESPANK_SUCCESS ||
	    spank_get_item(sp, S_JOB_UID, &uid) != ESPANK_SUCCESS ||
	    spank_get_item(sp, S_JOB_GID, &gid) != ESPANK_SUCCESS)
		return 0;
	if (as_user(uid, gid, job, end) < 0)
		slurm_error("floor_log: job %u: %s not written", job,
			    end ? "end" : "start");
	return 0;
}

/* first_step: step 0 on the first node of a job without a batch step
 * (no start written for it yet). */
static int first_step(spank_t sp, uint32_t step)
{
	uint32_t node = 1, job = 0;
	char path[1100];

	if (step != 0 ||
	    spank_get_item(sp, S_JOB_NODEID, &node) != ESPANK_SUCCESS ||
	    node != 0 || spank_get_item(sp, S_JOB_ID, &job) != ESPANK_SUCCESS)
		return 0;
	snprintf(path, sizeof(path), "%s/%u.md", root, job);
	return access(path, F_OK) != 0;
}

int slurm_spank_user_init(spank_t sp, int ac, char **av)
{
	uint32_t step = 0;

	(void)ac;
	(void)av;
	if (!enabled || !root[0] ||
	    spank_get_item(sp, S_JOB_STEPID, &step) != ESPANK_SUCCESS ||
	    (step != SLURM_BATCH_SCRIPT && !first_step(sp, step)))
		return 0;
	return log_job(sp, 0);
}

int slurm_spank_job_epilog(spank_t sp, int ac, char **av)
{
	char *arg = NULL;

	args(ac, av);	/* the epilog's stack does not call init first */
	if (!root[0] || spank_option_getopt(sp, &opt, &arg) != ESPANK_SUCCESS)
		return 0;
	return log_job(sp, 1);
}
