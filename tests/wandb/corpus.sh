# corpus.sh - a corpus of W&B run directories for the CLI tests, built
# with both producers (wandb-tool: our C writer; wandbfile.py: the
# independent Python one).  Source after lib.sh; make_corpus DIR.
#
# DIR/rl is an exp-log run-log root with one run log (group g1, task
# train) whose state dir holds the offline runs of its two jobs:
#   fin00001  finished (exit 0)            job 100 (ended)
#   unf00002  unfinished, needs stg-u      job 101 (still running)
#   syn00003  finished, already synced     job 100
#   trn00004  torn tail                    job 100
#   bad00005  corrupt block mid-file       job 100
#   blt00006  synced, bloated staging      job 100
# and a flat run log (task eval, no entity/project in it) with:
#   evl00011  finished
# DIR/wandb is a plain W&B directory (no run log):
#   plain007 finished; online08 an online run; empty010 an empty file;
#   a symlink named like a run and a directory that only looks like one.

# wandb_run DIR ID START [wandb-tool mkrun options]: a C-written run
wandb_run() {
	d=$1 id=$2 start=$3
	shift 3
	"$TOOL" mkrun "$d" "$id" --start "$start" "$@" >/dev/null 2>&1 ||
		diag "couldn't build $d"
}

# py_run DIR ID START [wandbfile.py write options]: a Python-written run
py_run() {
	d=$1 id=$2 start=$3
	shift 3
	mkdir -p "$d/files/media" &&
		"$PY" "$WANDBFILE" write "$d/run-$id.wandb" --run-id "$id" \
			--start "$start" --entity team --project proj "$@" ||
		diag "couldn't build $d"
}

make_corpus() {
	C=$1
	RL=$C/rl
	SD=$RL/.exp-log/runs/g1/2026-01-01_train
	W=$SD/wandb
	STG=$W/data/artifacts/staging
	mkdir -p "$RL/g1" "$W" "$STG" "$W/cache/artifacts/obj/md5/aa" \
		"$RL/.exp-log/locks" "$C/wandb"
	cat >"$SD/run.json" <<-EOF
	{ "schema": 1, "run_log": "g1/2026-01-01_train.md", "group": "g1",
	  "submit_dir": "$C",
	  "jobs": [ { "job_id": "100", "start": 1767225000, "end": 1767229000 },
	            { "job_id": "101", "start": 1767229500 } ] }
	EOF
	cat >"$RL/g1/2026-01-01_train.md" <<-EOF
	# train — corpus

	## Job
	- execution_id: 100
	- start: \`2025-12-31T23:50:00+00:00\`
	- note from a human: keep me

	## Job (resumed)
	- execution_id: 101
	- resumed from: \`ckpt/step100\`

	## Results
	- checkpoint: \`$STG/ckpt.pt\`

	## W&B
	- local: \`$W\`
	- synced: pending — run exp-wandb-sync sync
	- entity: team
	- project: proj
	- notes: curves look fine

	## Next
	- more steps
	EOF
	wandb_run "$W/offline-run-20260101_000000-fin00001" fin00001 1767225600 --exit 0 --steps 10
	wandb_run "$W/offline-run-20260101_011320-unf00002" unf00002 1767230000 --steps 4 \
		--staged "$STG/stg-u"
	wandb_run "$W/offline-run-20260101_000640-syn00003" syn00003 1767226000 --exit 0
	: >"$W/offline-run-20260101_000640-syn00003/run-syn00003.wandb.synced"
	py_run "$W/offline-run-20260101_001500-trn00004" trn00004 1767226500 --truncate 6
	py_run "$W/offline-run-20260101_002320-bad00005" bad00005 1767227000 --steps 6
	off=$("$PY" "$WANDBFILE" offsets "$W/offline-run-20260101_002320-bad00005/run-bad00005.wandb" |
	      sed -n 4p | cut -d' ' -f1)
	rm -f "$W/offline-run-20260101_002320-bad00005/run-bad00005.wandb"
	py_run "$W/offline-run-20260101_002320-bad00005" bad00005 1767227000 --steps 6 \
		--corrupt-offset "$off"
	B=$W/offline-run-20260101_003140-blt00006
	py_run "$B" blt00006 1767227500 --exit 0 --staged "$STG/stg-a"
	: >"$B/run-blt00006.wandb.synced"
	mkdir -p "$B/artifacts/staging" "$B/files/media/images"
	head -c 10000 /dev/zero >"$B/artifacts/staging/inner"
	head -c 7000 /dev/zero >"$B/files/media/images/img.png"
	echo "lr: 0.1" >"$B/files/config.yaml"
	echo '{"loss": 0.5}' >"$B/files/wandb-summary.json"
	head -c 200000 /dev/zero >"$STG/stg-a"
	head -c 300000 /dev/zero >"$STG/stg-b"
	head -c 40000 /dev/zero >"$STG/stg-u"
	head -c 60000 /dev/zero >"$STG/ckpt.pt"
	head -c 50000 /dev/zero >"$W/cache/artifacts/obj/md5/aa/bbbb"

	F=$RL/.exp-log/runs/+flat/2026-01-03_eval
	mkdir -p "$F/wandb"
	cat >"$F/run.json" <<-EOF
	{ "schema": 1, "run_log": "2026-01-03_eval.md",
	  "jobs": [ { "job_id": "300", "start": 1767398000, "end": 1767402000 } ] }
	EOF
	printf '# eval — flat\n\n## Job\n- execution_id: 300\n\n## W&B\n- local: n/a\n- synced: n/a\n' \
		>"$RL/2026-01-03_eval.md"
	wandb_run "$F/wandb/offline-run-20260103_000000-evl00011" evl00011 1767398400 --exit 0

	wandb_run "$C/wandb/offline-run-20260102_000000-plain007" plain007 1767312000 --exit 0
	wandb_run "$C/wandb/run-20260102_010000-online08" online08 1767315600 --exit 0
	mkdir -p "$C/wandb/offline-run-20260102_030000-empty010" "$C/wandb/run-logs-old"
	: >"$C/wandb/offline-run-20260102_030000-empty010/run-empty010.wandb"
	ln -s "$W/offline-run-20260101_000000-fin00001" \
		"$C/wandb/offline-run-20260102_020000-link009"
}
