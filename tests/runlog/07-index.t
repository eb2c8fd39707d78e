#!/bin/bash
# The run index: the default view of runlog status reads the open and
# recently ended runs it lists, writers keep it, `runlog reindex`
# rebuilds it, and hostile or stale entries are skipped, never followed.
. "$(dirname "$0")/lib.sh"
R=$T/run_logs
I=$R/.exp-log/index
today=$(date -u +%F)

# rows ARGS...: the RUN column of runlog status ARGS, one line
rows() {
	runlog status "$@" 2>/dev/null | awk 'NR > 1 && !/^hint|^\(|^no runs/ { print $1 }' |
		sort | tr '\n' ' '
}

# a fresh root: its first run log stamps the index, which lists it open
a=$(runlog new --task alpha --group g1 --id 9001)
ok $? "new in a fresh root"
b=$(runlog new --task beta --id 9002)
is "$(cat "$I/format")" "exp-log run index 1" "the first run log stamps the index"
[ -f "$I/open/9001" ] && [ -f "$I/open/9002" ]
ok $? "one open entry per run, named by its execution id"
grep -q '"run_log":"g1/'"$(basename "$a")"'"' "$I/open/9001"
ok $? "the entry names the run log relative to the root"
is "$(rows)" "$(basename "$b") g1/$(basename "$a") " "status lists the open runs"
runlog status 2>&1 >/dev/null | grep -q "no run index"
is $? 1 "no fallback message for an indexed root"

# closing moves the run to the ended day of its end
runlog close beta --exit 0 >/dev/null
ok $? "close"
[ ! -e "$I/open/9002" ] && [ -f "$I/ended/$today/9002" ]
ok $? "closed: open entry gone, ended entry under today's day"
# the open entry itself moved: no "end" in its text, its mtime is the
# end run.json records
end=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["jobs"][-1]["end"])' \
	"$R/.exp-log/runs/+flat/$(basename "$b" .md)/run.json" 2>/dev/null)
! grep -q '"end"' "$I/ended/$today/9002" &&
	[ -n "$end" ] && [ "$(stat -c %Y "$I/ended/$today/9002")" = "$end" ]
ok $? "the ended entry records when (its mtime: $end)"
is "$(rows)" "$(basename "$b") g1/$(basename "$a") " "a run that just ended is still shown"

# a run log dropped in by hand is not in the index until reindex
mklog "$R/g2/2026-03-11_manual.md" 4711 open
is "$(rows)" "$(basename "$b") g1/$(basename "$a") " "a log the index does not list: not read"
is "$(rows --all)" "$(basename "$b") g1/$(basename "$a") g2/2026-03-11_manual.md " \
	"--all reads every run log"
out=$(runlog reindex)
ok $? "reindex"
is "$out" "$R: 3 run logs, 2 open, 1 recently ended; 1 index entry changed" \
	"reindex says what it found and changed"
ls "$I/open" | grep -q '^+r[0-9a-f]\{16\}$'
ok $? "a log without a job index gets a hash key"
is "$(rows)" "$(basename "$b") g1/$(basename "$a") g2/2026-03-11_manual.md " \
	"after reindex the default view shows it"
is "$(runlog reindex | sed 's/.*; //')" "0 index entries changed" "a second reindex changes nothing"

# a run that ended two days ago: kept in the index, left out by the view
mklog "$R/g2/2026-03-09_old.md" 4712 TIMEOUT
old=$(date -u -d '2 days ago' +%FT%T+00:00)
sed -i "s/^- end: .*/- end: \`$old\`/" "$R/g2/2026-03-09_old.md"
runlog reindex >/dev/null
[ -n "$(ls "$I/ended/$(date -u -d '2 days ago' +%F)")" ]
ok $? "an end two days ago is filed under its day"
rows | grep -q 2026-03-09_old
is $? 1 "not in the default view"
rows --all | grep -q 2026-03-09_old
ok $? "in --all"
# one that ended a month ago is not indexed at all
mklog "$R/g2/2026-01-01_ancient.md" 4713 COMPLETED
sed -i "s/^- end: .*/- end: \`$(date -u -d '30 days ago' +%FT%T+00:00)\`/" \
	"$R/g2/2026-01-01_ancient.md"
runlog reindex >/dev/null
grep -rl 2026-01-01_ancient "$I" >/dev/null
is $? 1 "runs that ended more than 7 days ago are not listed"

# an entry whose log was deleted: skipped without a word, then dropped
rm "$a"
out=$(runlog status 2>err)
ok $? "status with an entry naming a missing log"
grep -q "$(basename "$a")" err
is $? 1 "no error for a log that is gone"
is "$(runlog reindex --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["changed"], sorted(d))')" \
	"1 ['changed', 'ended', 'open', 'root', 'run_logs', 'unreadable']" \
	"reindex --json: keys, the stale entry dropped"
[ ! -e "$I/open/9001" ]
ok $? "the stale open entry is gone"

# hostile entries are skipped, never followed, and pruned by reindex
ln -s /etc/passwd "$I/open/evil"
printf 'not json\n' >"$I/open/garbage"
printf '{"job_id":"1","run_log":"../../etc/x.md"}\n' >"$I/open/escape"
printf '{"job_id":"2","run_log":"/etc/x.md"}\n' >"$I/open/absolute"
mkdir "$I/open/adir"
ln -s /etc "$R/g2/linked.md" 2>/dev/null
printf '{"job_id":"3","run_log":"g2/linked.md"}\n' >"$I/open/3"
out=$(runlog status 2>err)
ok $? "status with hostile entries"
echo "$out" | grep -q 'passwd\|etc/x'
is $? 1 "nothing outside the root is shown"
grep -q "linked.md" err
ok $? "a symlinked run log named by an entry is refused out loud"
rm "$R/g2/linked.md"
# a symlinked group directory: refused as the --all view refuses it
mklog "$T/outside/2026-03-12_outsider.md" 4713 open
ln -s "$T/outside" "$R/g4"
printf '{"job_id":"4713","run_log":"g4/2026-03-12_outsider.md"}\n' >"$I/open/4713"
out=$(runlog status 2>err)
echo "$out" | grep -q 4713
is $? 1 "a run log through a symlinked group directory is not read"
grep -q "g4/2026-03-12_outsider.md.*symlink" err
ok $? "and the refusal names it"
rm "$R/g4" "$I/open/4713"
runlog reindex >/dev/null
ok $? "reindex over hostile entries"
[ ! -e "$I/open/evil" ] && [ ! -e "$I/open/garbage" ] && [ ! -e "$I/open/escape" ] &&
	[ ! -e "$I/open/absolute" ] && [ ! -e "$I/open/3" ]
ok $? "reindex removes what is not an entry"

# a group directory removed by hand: its entries go
mklog "$R/g3/2026-03-12_gone.md" 4714 open
runlog reindex >/dev/null
grep -rl 2026-03-12_gone "$I" >/dev/null
ok $? "g3 indexed"
rm -r "$R/g3"
runlog reindex >/dev/null
grep -rl 2026-03-12_gone "$I" >/dev/null
is $? 1 "a removed group's entries go"

# lint --fix renames an ended run: its index entry follows
S=$T/managed
f=$(runlog --root "$S" new --task train --id 77777)
runlog --root "$S" close train >/dev/null
stem=$(basename "$f" .md)
bad=train_${stem%%_*}
mv "$f" "$S/$bad.md"
mv "$S/.exp-log/runs/+flat/$stem" "$S/.exp-log/runs/+flat/$bad"
sed -i "s|$stem|$bad|g" "$S/.exp-log/runs/+flat/$bad/run.json" \
	"$S/.exp-log/jobs/77777.json" "$S/timeline.md" "$S/.exp-log/index/ended/$today/77777"
runlog lint "$S" --fix --yes >/dev/null
grep -q "\"run_log\":\"$stem.md\"" "$S/.exp-log/index/ended/$today/77777"
ok $? "lint --fix: the ended entry names the new file"

# a root from an exp-log without the index: every log read, once told
O=$T/older
mklog "$O/g1/2026-03-11_open.md" 5001 open
mkdir -p "$O/.exp-log/jobs"
out=$(runlog --root "$O" status 2>err)
is "$(echo "$out" | awk 'NR == 2 { print $1 }')" "g1/2026-03-11_open.md" "no index: falls back to reading every log"
grep -q "has no run index .*runlog reindex" err
ok $? "and says how to build one"
runlog --root "$O" reindex >/dev/null
ok $? "reindex an older root"
runlog --root "$O" status 2>&1 >/dev/null | grep -q "no run index"
is $? 1 "indexed now"
is "$(runlog --root "$O" status 2>/dev/null | awk 'NR == 2 { print $1 }')" \
	"g1/2026-03-11_open.md" "the same run from the index"
# a root with hand-written logs only and no .exp-log: no message
H=$T/hand
mklog "$H/2026-03-11_x.md" 6001 open
runlog --root "$H" status 2>&1 >/dev/null | grep -q "no run index"
is $? 1 "no message for a root exp-log does not manage"

# the default view remembers the index and the summaries it read
# (.exp-log/cache/index, cache/recent), and still sees every change
C=$T/cached
c1=$(runlog --root "$C" new --task one --group g1 --id 7001)
c2=$(runlog --root "$C" new --task two --group g1 --id 7002)
sleep 2		# a directory changed within the second is not remembered
runlog --root "$C" status >first 2>/dev/null
[ -s "$C/.exp-log/cache/index" ] && [ -s "$C/.exp-log/cache/recent" ]
ok $? "the default view writes its caches"
runlog --root "$C" status >second 2>/dev/null
# the same rows and states (ages move on by the second)
is "$(awk '{ print $1, $4 }' second)" "$(awk '{ print $1, $4 }' first)" \
	"the cached view is the same"
grep -q "^g1/$(basename "$c1")" second
ok $? "it lists the runs"
sed -i 's/^\(- .* — started: job 7001 .*\)$/\1\n- 2026-12-01 10:00 — running, step 4242, train_loss 0.5/' "$c1"
runlog --root "$C" status 2>/dev/null | grep "^g1/$(basename "$c1")" | grep -q ' 4242 '
ok $? "a run log edited in place is read again"
c3=$(runlog --root "$C" new --task three --group g2 --id 7003)
runlog --root "$C" status 2>/dev/null | grep -q "^g2/$(basename "$c3")"
ok $? "a run opened since is listed at once"
runlog --root "$C" close two --exit 3 >/dev/null
runlog --root "$C" status 2>/dev/null | grep "^g1/$(basename "$c2")" | grep -q FAILED
ok $? "a run closed since shows how it ended"
sleep 2
runlog --root "$C" status >/dev/null 2>&1
printf 'exp-log index snapshot 1\t0\t0\nD\topen\t\t1\t1\t1\t1\n' \
	>"$C/.exp-log/cache/index"
is "$(runlog --root "$C" status 2>/dev/null | grep -c '^g[12]/')" 3 \
	"a snapshot of another index is not used"
printf 'garbage\n' >"$C/.exp-log/cache/recent"
is "$(runlog --root "$C" status 2>/dev/null | grep -c '^g[12]/')" 3 \
	"a damaged cache is ignored"

is "$(rc runlog reindex extra)" 2 "reindex: unexpected argument is a usage error"
runlog reindex --help | grep -q "^Usage: runlog reindex"
ok $? "reindex --help"
done_testing
