# gen-runlogs.awk - synthetic run logs as the plugin writes them, with
# the run index it keeps, for the benchmarks:
#   awk -v root=DIR -v n=COUNT -v now=EPOCH -v recent=ISO -v recent_day=DAY \
#       -v old=ISO -v old_day=DAY -v old_epoch=EPOCH -f gen-runlogs.awk
# n logs in 100 groups, each group with its timeline.md; every run has
# its sidecar and job index entry (job ids from 100000).  Whatever n,
# 100 runs are open, 100 ended at `recent` (an hour ago: the default view
# of runlog status shows them), 100 at `old` (three days ago: still in
# the index, not shown), the rest in February (no longer indexed): the
# default view has the same work at 1,000 and at 100,000 run logs (at
# 10,000, one of each per 100 runs, as before).
BEGIN {
	srand(7)
	recent_epoch = now - 3600
	system("mkdir -p " root "/.exp-log/jobs " root "/.exp-log/locks " \
	       root "/.exp-log/index/open " root "/.exp-log/index/ended/" recent_day \
	       " " root "/.exp-log/index/ended/" old_day)
	printf("exp-log run index 1\n") > (root "/.exp-log/index/format")
	close(root "/.exp-log/index/format")
	step = int(n / 100)
	if (step < 3)
		step = 3
	# every directory first, with one mkdir (a process per run would
	# take most of the time)
	mk = "xargs mkdir -p"
	for (i = 0; i < n; i++) {
		g = sprintf("g%03d", i % 100)
		if (i < 100)
			print root "/" g | mk
		day = 1 + (i / 100) % 28
		print root "/.exp-log/runs/" g "/" \
		    sprintf("2026-02-%02d_train_%05d", day, i) | mk
	}
	close(mk)
	for (i = 0; i < n; i++) {
		g = sprintf("g%03d", i % 100)
		day = 1 + (i / 100) % 28
		stem = sprintf("2026-02-%02d_train_%05d", day, i)
		f = root "/" g "/" stem ".md"
		id = 100000 + i
		kind = i % step	# 0 open, 1 ended an hour ago, 2 three days ago
		open_run = kind == 0
		endt = sprintf("2026-02-%02dT21:01:00+00:00", day)
		if (kind == 1)
			endt = recent
		if (kind == 2)
			endt = old
		printf("# train_%05d — sweep point %d\n\n", i, i) > f
		printf("## Mode\n- run_type: experiment\n- objective: sweep point %d\n\n", i) > f
		printf("## Config\n- script: `/home/u/proj/slurm/train.sh`\n") > f
		printf("- config: `/home/u/proj/configs/sweep_%d.yaml` (sha256 `%064d`)\n", i, i) > f
		printf("- dataset: `/scratch/u/data/set.tar` (12.0 GiB)\n") > f
		printf("- key settings: lr %g, batch 64\n- repo: `/home/u/proj`\n", 0.001 * (1 + i % 7)) > f
		printf("- branch: `sweep`\n- commit: `%040d`\n- dirty: no\n\n", i) > f
		printf("## Job\n- execution_id: %d\n", id) > f
		printf("- submitted: `2026-02-%02dT09:00:00+00:00`\n", day) > f
		printf("- start: `2026-02-%02dT09:01:00+00:00`\n", day) > f
		printf("- start_human: `Day, Feb %dth, 2026`\n", day) > f
		if (open_run)
			printf("- end: _(filled when the job ends)_\n- end_human: _(filled when the job ends)_\n- runtime: _(filled when the job ends)_\n") > f
		else
			printf("- end: `%s`\n- end_human: `Day, Feb %dth, 2026`\n- runtime: `12:00:00`\n", endt, day) > f
		printf("- nodes: `gpu-a[01-02]` (2)\n- partition: gpu\n- time_limit: `1-00:00:00`\n- signal: B:TERM@90\n\n") > f
		printf("## Status\n- 2026-02-%02d 09:01 — started: job %d on gpu-a01 (2 nodes)\n", day, id) > f
		for (k = 1; k <= 12; k++)
			printf("- 2026-02-%02d %02d:01 — running, step %d, train_loss %.4f, val_loss %.4f, GPU util %d%%\n",
			       day, 9 + k, k * 1000, 2.0 / k, 2.1 / k, 90 + k % 10) > f
		if (!open_run)
			printf("- 2026-02-%02d 21:01 — completed, exit code 0\n", day) > f
		printf("\n## Results\n") > f
		if (open_run)
			printf("- runtime: _(filled when the job ends)_\n- exit: _(filled when the job ends)_\n- scheduler_state: _(filled when the job ends)_\n- checkpoint: _(filled when the job ends)_\n") > f
		else
			printf("- runtime: `12:00:00`\n- exit: exit code 0\n- scheduler_state: COMPLETED\n- final step: 12000\n- checkpoint: `/scratch/u/ckpt/%s/step_12000`\n", stem) > f
		printf("\n## W&B\n- local: `wandb/offline-run-20260201_090100-r%05d`\n- synced: https://wandb.ai/t/p/runs/r%05d\n- notes: fine\n\n## Next\n- next sweep point\n", i, i) > f
		close(f)
		sd = root "/.exp-log/runs/" g "/" stem
		j = sd "/run.json"
		printf("{\n  \"schema\": 1,\n  \"run_log\": \"%s/%s.md\",\n  \"state_dir\": \"%s\",\n  \"group\": \"%s\",\n  \"task\": \"train_%05d\",\n  \"jobs\": [ { \"job_id\": \"%d\" } ]\n}\n", g, stem, sd, g, i, id) > j
		close(j)
		x = root "/.exp-log/jobs/" id ".json"
		printf("{\n  \"run_log\": \"%s/%s.md\",\n  \"state_dir\": \".exp-log/runs/%s/%s\",\n  \"group\": \"%s\"\n}\n", g, stem, g, stem, g) > x
		close(x)
		if (kind <= 2) {
			e = root "/.exp-log/index/" (kind == 0 ? "open" : "ended/" \
			    (kind == 1 ? recent_day : old_day)) "/" id
			printf("{\"job_id\":\"%d\",\"run_log\":\"%s/%s.md\"", id, g, stem) > e
			if (kind > 0)
				printf(",\"end\":%d", kind == 1 ? recent_epoch : old_epoch) > e
			printf("}\n") > e
			close(e)
		}
		tl = root "/" g "/timeline.md"
		if (i < 100)
			printf("# %s Timeline\n\n", g) > tl
		printf("%d. `%s.md` — Day, Feb %dth\n", int(i / 100) + 1, stem, day) > tl
	}
	for (i = 0; i < 100; i++)
		close(root "/" sprintf("g%03d", i) "/timeline.md")
}
