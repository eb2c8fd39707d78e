/* exp_log_core.h - the interface between exp_log.so and exp_log_core.so.
 *
 * exp_log.so is what plugstack.conf names: it registers the options,
 * checks their values, and does nothing else.  Everything that writes run
 * logs (and the libraries that needs: libgit2, hwloc, libyaml, OpenSSL,
 * protobuf-c ...) lives in exp_log_core.so, installed beside it and
 * loaded only when a job asks for --exp-log.  Every srun, sbatch and job
 * step loads exp_log.so; only exp-log's own jobs pay for the rest.
 */
#ifndef EXP_LOG_CORE_H
#define EXP_LOG_CORE_H

#include <slurm/spank.h>

struct exl_opts;

#define EXP_LOG_CORE_ABI 2
#define EXP_LOG_CORE_FILE "exp_log_core.so"
#define EXP_LOG_CORE_SYMBOL "exp_log_core_ops"

struct exp_log_core_ops {
	int abi;			/* EXP_LOG_CORE_ABI */
	/* plugstack.conf arguments and the thin plugin's option values
	 * (which stay owned by the thin plugin) */
	void (*init)(int ac, char **av, struct exl_opts *opts);
	/* submit side, from the --exp-log callback: configuration and the
	 * allowed run-log roots (-1: refuse the submission) */
	int (*check_root)(void);
	int (*alloc_post_opt)(spank_t sp);
	int (*remote_user_init)(spank_t sp);
	int (*remote_task_exit)(spank_t sp);
	int (*remote_exit)(spank_t sp);
	int (*job_epilog)(spank_t sp);
	void (*reset)(void);
	/* submit side, slurm_spank_exit: after sbatch submitted the job */
	int (*alloc_exit)(spank_t sp);
};

/* exp_log_core_load.c (thin side): the core, loaded on first use from the
 * plugin's own directory; NULL (and one logged line) when it can't be. */
const struct exp_log_core_ops *exp_log_core(void);

#endif
