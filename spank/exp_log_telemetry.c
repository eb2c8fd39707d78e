/* exp_log_telemetry.c - the telemetry sampler of a step (every step of a
 * job, on every node): a thread in slurmstepd started from user_init,
 * where the effective uid is the user's, so the telemetry file is the
 * user's and is opened without following links; afterwards the thread
 * only writes to that descriptor (lib/telemetry_sampler.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <slurm/slurm.h>
#include <slurm/spank.h>

#include "exp_log.h"
#include "telemetry/telemetry_sampler.h"

static struct {
	struct exl_sampler *s;
	char state_dir[4096], node[256], job[32], step[32], gpus[1024];
	char cpus[1024], nvml[4096];
} tel;

/* node_name: this node's Slurm name: the nodeid-th host of the step's
 * node list (several slurmd may share a host, so not the hostname; and a
 * step inherits the batch script's SLURMD_NODENAME, so not that either,
 * unless there is no list). */
static void node_name(spank_t sp, char *buf, size_t len)
{
	char list[8192];
	uint32_t nodeid = 0, i;
	hostlist_t hl;
	char *h;

	if (spank_get_item(sp, S_JOB_NODEID, &nodeid) == ESPANK_SUCCESS &&
	    (spank_getenv(sp, "SLURM_STEP_NODELIST", list, (int)sizeof(list)) ==
	     ESPANK_SUCCESS ||
	     spank_getenv(sp, "SLURM_JOB_NODELIST", list, (int)sizeof(list)) ==
	     ESPANK_SUCCESS) &&
	    (hl = slurm_hostlist_create(list))) {
		for (i = 0; (h = slurm_hostlist_shift(hl)); i++) {
			if (i == nodeid)
				snprintf(buf, len, "%s", h);
			free(h);
			if (i == nodeid)
				break;
		}
		slurm_hostlist_destroy(hl);
		if (i == nodeid)
			return;
	}
	if (spank_getenv(sp, "SLURMD_NODENAME", buf, (int)len) == ESPANK_SUCCESS &&
	    buf[0])
		return;
	if (gethostname(buf, len) < 0)
		snprintf(buf, len, "node");
}

/* gpu_selection: the job's GPUs as Slurm's gres plugin gives them; a
 * node whose GPUs Slurm does not manage lets the job see all of them. */
static const char *gpu_selection(spank_t sp)
{
	static const char *const vars[] = { "SLURM_STEP_GPUS", "SLURM_JOB_GPUS",
					    "CUDA_VISIBLE_DEVICES", NULL };
	int i;

	for (i = 0; vars[i]; i++)
		if (spank_getenv(sp, vars[i], tel.gpus, (int)sizeof(tel.gpus)) ==
		    ESPANK_SUCCESS && tel.gpus[0])
			return tel.gpus;
	return NULL;
}

void exp_log_telemetry_start(spank_t sp, uint32_t stepid, int batch,
			     const char *state_dir)
{
	struct exp_log_ctx *c = &exp_log_ctx;
	struct exl_sampler_cfg cfg;
	struct exl_err err;
	uint64_t mem = 0;
	char *cores = NULL;

	if (!c->opts->telemetry || tel.s || !state_dir || !state_dir[0])
		return;
	snprintf(tel.state_dir, sizeof(tel.state_dir), "%.4095s", state_dir);
	node_name(sp, tel.node, sizeof(tel.node));
	snprintf(tel.job, sizeof(tel.job), "%.31s", c->job_id);
	if (batch)
		snprintf(tel.step, sizeof(tel.step), "batch");
	else
		snprintf(tel.step, sizeof(tel.step), "%u", stepid);
	snprintf(tel.nvml, sizeof(tel.nvml), "%s",
		 c->cfg.nvml_library ? c->cfg.nvml_library : "libnvidia-ml.so.1");
	memset(&cfg, 0, sizeof(cfg));
	cfg.interval_ms = c->opts->telemetry * 1000u;
	cfg.state_dir = tel.state_dir;
	cfg.node = tel.node;
	cfg.job_id = tel.job;
	cfg.step = tel.step;
	cfg.pid_root = getpid();	/* slurmstepd: the step's tasks below */
	cfg.include_root = 0;
	cfg.fs_path = c->root;
	cfg.nvml_lib = tel.nvml;
	cfg.nvml_trusted_only = 1;	/* slurmstepd is root again later */
	cfg.gpus = gpu_selection(sp);
	cfg.hardware = 1;
	if (spank_get_item(sp, S_STEP_ALLOC_CORES, &cores) == ESPANK_SUCCESS &&
	    cores) {
		snprintf(tel.cpus, sizeof(tel.cpus), "%s", cores);
		cfg.alloc.cpus = tel.cpus;
	}
	if (spank_get_item(sp, S_STEP_ALLOC_MEM, &mem) == ESPANK_SUCCESS)
		cfg.alloc.mem_mb = mem;
	if (exl_sampler_start(&cfg, &tel.s, &err) < 0) {
		slurm_error("exp-log: job %s step %s: telemetry off: %s", c->job_id,
			    tel.step, err.text);
		tel.s = NULL;
	}
}

void exp_log_telemetry_stop(void)
{
	if (!tel.s)
		return;
	if (exl_sampler_stop(tel.s) == 1)
		slurm_error("exp-log: job %s: telemetry thread stuck in a driver call; left to finish alone",
			    tel.job);
	tel.s = NULL;
}
