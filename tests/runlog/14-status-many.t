#!/bin/bash
# runlog status over 5,000 run logs: the listing, the reading and the
# table are shared among threads from 2,048 rows on; one thread and four
# must print the same table and JSON, the summary cache the same as the
# logs themselves, and the LOSS column what printf's %.4g prints.
. "$(dirname "$0")/lib.sh"
R=$T/run_logs
N=5000
mkdir -p "$R/.exp-log"
for i in $(seq 0 39); do mkdir -p "$R/$(printf 'g%02d' "$i")"; done
mklog "$T/closed.md" 1 COMPLETED
mklog "$T/open.md" 1 open
# N logs in 40 groups and the flat level, each with its own job id, step,
# loss (over eleven decades, to go through every branch of %.4g), GPU
# util; every 7th open (no scheduler here: its row gets a hint).  The
# expected LOSS cell of each goes to $T/want.
awk -v R="$R" -v n=$N -v want="$T/want" '
FNR == 1 { f++ }
{ tpl[f, FNR] = $0; len[f] = FNR }
END {
	for (i = 0; i < n; i++) {
		g = i % 41 == 40 ? "" : sprintf("g%02d/", i % 41)
		rel = sprintf("%s2026-03-%02d_run%05d.md", g, 1 + i % 28, i)
		loss = (1 + (i * 7919 % 9973) / 9973.0) * 10 ^ (i % 11 - 6)
		if (i % 97 == 0)
			loss = 1234.5	# a tie: printf rounds it to even
		t = i % 7 == 0 ? 2 : 1
		for (l = 1; l <= len[t]; l++) {
			line = tpl[t, l]
			sub(/execution_id: 1$/, "execution_id: " (100000 + i), line)
			if (line ~ /running, step 2400/)
				line = sprintf("- 2026-03-11 15:30 — running, step %d, " \
					"train_loss %.17g, val_loss 0.091, GPU util %d%%",
					i, loss, i % 101)
			print line > (R "/" rel)
		}
		close(R "/" rel)
		printf("%s %.4g\n", rel, loss) > want
	}
}' "$T/closed.md" "$T/open.md"
# old enough for the summary cache, which leaves out what just changed
find "$R" -name '*.md' -exec touch -d '10 minutes ago' {} +
mkdir -p "$R/g00/sub" && : >"$R/README.md"

# the age column moves with the clock: masked
age() { sed -E 's/ [0-9]+d[0-9]{2}h / AGE /; s/"evidence_age_s": [0-9]+/"evidence_age_s": AGE/'; }
runlog status --all --threads 1 "$R" 2>/dev/null | age >one
ok $? "status --all on one thread"
is "$(grep -c '^[g2]' one)" $N "a row per run log"
is "$(grep -c '^hint: ' one)" $(( (N + 6) / 7 )) "a hint per open run"
runlog status --all --threads 4 "$R" 2>/dev/null | age >four
cmp -s one four
ok $? "four threads: the same table"
head -c 24 "$R/.exp-log/cache/summaries" | grep -q '^exp-log summary cache 4$'
ok $? "the summary cache is written"
runlog status --all --threads 4 "$R" 2>/dev/null | age >cached
cmp -s one cached
ok $? "from the summary cache: the same table"
awk 'NR > 1 && !/^hint/ && !/^\(/ { print $1, $8 }' cached | sort >got
sort "$T/want" >want.sorted
cmp -s want.sorted got
ok $? "LOSS is printf's %.4g of every run's loss"
[ -n "$(diff want.sorted got | head -3)" ] && diff want.sorted got | head -3 | sed 's/^/# /'
runlog status --all --json --threads 1 "$R" 2>/dev/null | age >one.json
runlog status --all --json --threads 4 "$R" 2>/dev/null | age >four.json
cmp -s one.json four.json
ok $? "--json: the same on one thread and four"
is "$(grep -c '"run":' four.json)" $N "--json: every run"
# a log changed since it was cached is read again (its group's other
# logs still come from the cache)
f=$R/g05/$(cd "$R/g05" && ls | head -1)
sed -i 's/train_loss [0-9.e+-]*/train_loss 0.000123456/' "$f"
touch -d '5 minutes ago' "$f"
is "$(runlog status --all --threads 4 "$R" 2>/dev/null |
	awk -v r="g05/${f##*/}" '$1 == r { print $8 }')" 0.0001235 \
	"a log edited after caching: read again"
runlog status --all --threads 4 "$R" 2>/dev/null | age | grep -v "^g05/${f##*/} " >after
grep -v "^g05/${f##*/} " one | cmp -s - after
ok $? "every other row as before"
# the default view without a run index reads every log and hides the
# runs that ended long ago (their rows, hints and all, are dropped)
runlog status "$R" >def 2>/dev/null
ok $? "default view"
is "$(grep -c '^[g2]' def)" $(( (N + 6) / 7 )) "only the open runs shown"
grep -q "^($(( N - (N + 6) / 7 )) runs that ended more than 24 h ago not shown: --all)$" def
ok $? "the others counted"
done_testing
