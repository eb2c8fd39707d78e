#!/bin/bash
# runlog report: self-contained HTML pages of a run, a group and the root,
# from fixture run logs and state dirs.  No script, no external address,
# one <svg> per plot, hostile run-log text escaped.
. "$(dirname "$0")/lib.sh"
R=$T/run_logs
G=$R/sweep
mklog "$G/2026-03-11_base.md" 211 COMPLETED
mklog "$G/2026-03-12_lr.md" 212 FAILED
mklog "$G/2026-03-13_long.md" 213 TIMEOUT
# a requeued run: a second job block
cat >>"$G/2026-03-13_long.md" <<'LOG'

## Job (resumed)
- execution_id: 214
- start: `2026-03-11T17:00:00+00:00`
- end: `2026-03-11T18:00:00+00:00`
LOG
# a sweep over lr (seed fixed): statepoints in Config, a final val_loss
for r in base:0.1:0.30 lr:0.01:0.12 long:0.001:0.20; do
	IFS=: read -r t lr vl <<<"$r"
	sed -i "s/^- objective: test run\$/&\n- statepoints: \`lr=$lr,seed=1\`/;
		s/^- scheduler_state: .*/&\n- end_val_loss: $vl/" "$G"/*_"$t".md
done
# hostile text in the title and in Status lines
mklog "$G/2026-03-14_evil.md" 215 COMPLETED \
	"- 2026-03-11 15:40 — error: <script>alert(1)</script> </svg><svg onload=alert(2)> \"q\" 'a' $(printf '\001\033[31mred\177')"
sed -i '1s/.*/# evil <\/title><script>x<\/script> — "quoted"/' "$G/2026-03-14_evil.md"

# state dir of base: metrics over three decades of loss, a restart,
# telemetry of two nodes (n1 with two GPUs, n2 CPU only)
S=$R/.exp-log/runs/sweep/2026-03-11_base
mkdir -p "$S/telemetry"
awk 'BEGIN { for (i = 1; i <= 3000; i++) {
	s = (i <= 2000) ? i : i - 1000;
	printf "{\"step\": %d, \"loss\": %g, \"lr\": %g%s}\n", s,
		5 * exp(-i / 300), 0.001 * (1 - i / 4000),
		(i % 100 == 0) ? sprintf(", \"val_loss\": %g", 6 * exp(-i / 300)) : "" } }' \
	>"$S/metrics.jsonl"
echo 'garbage line' >>"$S/metrics.jsonl"
{
	echo '{"type":"start","alloc":{"cpus":"0-3","mem_mb":4096}}'
	for i in $(seq 0 59); do
		printf '{"type":"sample","t":%d,"cpu_pct":%d,"rss_mib":%d,"gpus":[{"index":0,"util":%d,"mem_used_mib":%d,"mem_total_mib":16000,"power_w":%d},{"index":1,"util":%d,"mem_used_mib":900,"mem_total_mib":16000,"power_w":150}]}\n' \
			$((1773241200 + i * 10)) $((100 + i)) $((500 + i)) $((50 + i % 40)) $((8000 + i)) $((200 + i)) $((30 + i % 20))
	done
} >"$S/telemetry/n1.jsonl"
for i in $(seq 0 29); do
	printf '{"type":"sample","t":%d,"cpu_pct":%d,"rss_mib":%d}\n' \
		$((1773241200 + i * 20)) $((90 + i)) $((300 + i))
done >"$S/telemetry/n2.jsonl"

# bad_markup FILE: prints what executable or external markup FILE has
bad_markup() {
	grep -Eio '<script|<iframe|<object|<embed|<link|javascript:|<[a-z]+[^>]* on[a-z]+=|url\(|@import|https?:' "$1"
}

# a run
runlog report base --out base.html
ok $? "report of a run"
head -1 base.html | grep -q '^<!DOCTYPE html>$'
ok $? "an HTML document"
is "$(bad_markup base.html | head -3)" "" "no script, no handler, no external address"
nsvg=$(grep -o '<svg' base.html | wc -l)
is "$nsvg" 9 "one <svg> per plot: loss, lr, 3 GPU + CPU + RSS on n1, CPU + RSS on n2"
is "$(grep -o '<figure class="plot">' base.html | wc -l)" "$nsvg" "every plot figure has its svg"
is "$(grep -o '</svg>' base.html | wc -l)" "$nsvg" "every svg is closed"
grep -q 'loss (log scale)' base.html
ok $? "three decades of loss: log axis"
grep -q 'restart at step 1001' base.html
ok $? "the restart is marked"
grep -q 'allocated CPUs' base.html && grep -q 'allocated memory' base.html
ok $? "the allocation is drawn as limit lines"
grep -q 'GPU 1' base.html
ok $? "each GPU has its line"
n=$(grep -o 'data-n="[0-9]*"' base.html | head -1 | tr -dc 0-9)
ok $(( !(n > 100 && n <= 1440) )) "the loss line is downsampled to the plot width ($n points)"
grep -q 'running, step 2400' base.html
ok $? "Status evidence listed"
grep -q '<pre class="runlog"># 2026-03-11_base' base.html
ok $? "the run log text below"
runlog report "$G/2026-03-11_base.md" >stdout.html
ok $? "to stdout when it is not a terminal"
cmp -s base.html stdout.html
ok $? "the same page"

# a run without a state dir still gets a page
runlog report lr --out lr.html
ok $? "report of a run without data"
grep -q 'Loss: no data' lr.html
ok $? "its loss plot says no data"
is "$(grep -c '<svg' lr.html)" 0 "no empty svg"

# hostile text
runlog report evil --out evil.html
ok $? "report of a hostile run log"
is "$(bad_markup evil.html)" "" "no executable markup from the run log"
is "$(grep -o '<svg' evil.html | wc -l)" "$(grep -o '</svg>' evil.html | wc -l)" \
	"</svg> in the text does not close anything"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' evil.html
ok $? "the text is shown escaped"
grep -q '&quot;q&quot; &#39;a&#39;' evil.html
ok $? "quotes escaped"
is "$(LC_ALL=C grep -c "$(printf '[\001-\010\016-\037\177]')" evil.html)" 0 "no control characters"
grep -q '<title>exp-log run: 2026-03-14_evil.md</title>' evil.html
ok $? "page title from the file name"

# a group
runlog report sweep --out sweep.html
ok $? "report of a group"
is "$(bad_markup sweep.html)" "" "group page: no script or address"
is "$(grep -o '<svg' sweep.html | wc -l)" 2 "two svgs: the timeline and the sweep"
grep -q '<title>val_loss against lr</title>' sweep.html
ok $? "the final metric against the swept statepoint"
grep -q 'log10(lr)</text>' sweep.html
ok $? "lr spans two decades: on a log axis"
is "$(grep -c 'against seed' sweep.html)" 0 "a statepoint that does not vary is not plotted"
grep -q '<path class="s" stroke="#0072B2" d="M[0-9.]* [0-9.]*L[0-9.]* [0-9.]*L[0-9.]* [0-9.]*" data-n="3"/>' sweep.html
ok $? "three runs, three points"
is "$(grep -o 'class="bar"' sweep.html | wc -l)" 5 "a bar per job block (the requeued run has two)"
grep -q 'fill="#D55E00"><title>2026-03-12_lr.md: job 1, failed' sweep.html
ok $? "coloured by outcome"
grep -q '<a href="2026-03-11_base.html">' sweep.html
ok $? "links to the run pages"
is "$(grep -c '^<tr><td><a href=' sweep.html)" 4 "the experiments table"
runlog report "$G" --out sweep2.html
ok $? "a group named by its directory"
cmp -s sweep.html sweep2.html
ok $? "the same page"

# the root
runlog report "$R" --out root.html
ok $? "report of the root"
is "$(grep -c '<a href="sweep/2026-' root.html)" 4 "a link to each run's page"
grep -q '">sweep/2026-03-13_long.md</a>' root.html
ok $? "(relative to the root)" 
is "$(bad_markup root.html)" "" "root page: no script or address"

# sparklines in runlog show
LC_ALL= LC_CTYPE= LANG=C.UTF-8 runlog show base >show.out 2>/dev/null
grep -q "^loss:      $(printf '\xe2\x96\x88')" show.out
ok $? "show: a loss sparkline, starting high, in a UTF-8 locale"
grep -q '^loss: .* 4.983 -> 0.000227 (log scale)$' show.out
ok $? "four decades of loss: first and last value, log scale"
grep -q "^GPU n1:    $(printf '\xe2\x96')" show.out
ok $? "show: the GPU utilisation of n1 as a sparkline"
is "$(grep -c '^GPU n2:' show.out)" 0 "no GPU line for a node without GPUs"
is "$(grep -c "$(printf '\xe2\x96')" show.out)" 3 "loss, val loss and GPU n1"
LC_ALL= LC_CTYPE= LANG=C.UTF-8 runlog show --plain base >plain.out 2>/dev/null
is "$(grep -c "$(printf '\xe2\x96')" plain.out)" 0 "--plain: no sparklines"
LC_ALL=C runlog show base >c.out 2>/dev/null
is "$(grep -c "$(printf '\xe2\x96')" c.out)" 0 "no UTF-8 locale: no sparklines"
cmp -s plain.out c.out
ok $? "and otherwise the same output"

# errors
is "$(rc runlog report nosuch --out x.html)" 2 "an unknown RUN is a usage error"
is "$(rc runlog report)" 2 "RUN is required"
is "$(rc runlog report base lr)" 2 "one RUN only"
runlog report --help | grep -q '^Usage: runlog report'
ok $? "--help"
done_testing
