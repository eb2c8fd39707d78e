#!/bin/bash
# The command-line convention every tool shares (doc/cli.md, CONVENTIONS
# in each man page), checked on runlog, passport, exp-wandb-sync,
# exp-run and sbatch-exp alike: the version format, one line for an unknown option, the
# usage line for missing operands, -j 0, usage lines that name every
# option, exit codes, plurals, wide characters in the status table.
. "$(dirname "$0")/lib.sh"

PASSPORT=$top_builddir/passport/passport
ESYNC=$top_builddir/wandb-sync/exp-wandb-sync
EXPRUN=$top_builddir/sbatch-wrappers/exp-run
SBATCHEXP=$top_builddir/sbatch-wrappers/sbatch-exp
for b in "$PASSPORT" "$ESYNC" "$EXPRUN" "$SBATCHEXP"; do
	[ -x "$b" ] || bail "$b not built (run make)"
done
TOOLS="runlog passport exp-wandb-sync exp-run sbatch-exp"

# t TOOL ARGS...: run TOOL; stdout in $T/out, stderr in $T/err, status
# in $trc.
t() {
	local tool=$1
	shift
	case $tool in
	runlog) runlog "$@" ;;
	passport) "$PASSPORT" "$@" ;;
	exp-wandb-sync) "$ESYNC" "$@" ;;
	exp-run) "$EXPRUN" "$@" ;;
	sbatch-exp) "$SBATCHEXP" "$@" ;;
	esac >"$T/out" 2>"$T/err" </dev/null
	trc=$?
}

# The usage status: 2, but 125 for exp-run, whose own status must not
# be taken for the command's (like env, nice, timeout).
usage_rc() {
	[ "$1" = exp-run ] && echo 125 || echo 2
}

# err_is DESC WANT: stderr is exactly the one line WANT.
err_is() {
	is "$(cat "$T/err")" "$2" "$1"
}

# --- version: one format, -V and --version, everywhere
for tool in $TOOLS; do
	for v in -V --version; do
		t "$tool" "$v"
		is "$trc" 0 "$tool $v: exit 0"
		grep -Eq "^$tool \\(exp-log\\) [0-9]+\\.[0-9]+" "$T/out" &&
			[ "$(wc -l <"$T/out")" = 1 ] && [ ! -s "$T/err" ]
		ok $? "$tool $v: one line '$tool (exp-log) VERSION'"
	done
done

# --- an unknown option: one line, one prefix, a hint
for tool in $TOOLS; do
	t "$tool" --no-such-option
	is "$trc" "$(usage_rc "$tool")" "$tool --no-such-option: usage status"
	err_is "$tool --no-such-option: one line with a hint" \
		"$tool: unknown option '--no-such-option'; try '$tool --help'"
	t "$tool" -Z
	err_is "$tool -Z: one line with a hint" \
		"$tool: unknown option '-Z'; try '$tool --help'"
done
for tc in "runlog status" "runlog lint" "runlog show" "passport verify" \
	"exp-wandb-sync list" "exp-wandb-sync slim" "exp-wandb-sync sync"; do
	set -- $tc
	t "$1" "$2" --no-such-option x
	is "$trc" 2 "$tc --no-such-option: exit 2"
	err_is "$tc --no-such-option: one line naming the command" \
		"$tc: unknown option '--no-such-option'; try '$tc --help'"
done
t exp-wandb-sync list --json=yes
err_is "an option that takes no value" \
	"exp-wandb-sync list: option '--json' takes no value; try 'exp-wandb-sync list --help'"

# --- an option without its value
t runlog --root
err_is "runlog --root: needs a value" \
	"runlog: option '--root' needs a value; try 'runlog --help'"
t runlog status -g
err_is "runlog status -g: needs a value" \
	"runlog status: option '-g' needs a value; try 'runlog status --help'"
t passport generate x --contract
err_is "passport generate --contract: needs a value" \
	"passport generate: option '--contract' needs a value; try 'passport generate --help'"
t exp-wandb-sync sync x --jobs
err_is "exp-wandb-sync sync --jobs: needs a value" \
	"exp-wandb-sync sync: option '--jobs' needs a value; try 'exp-wandb-sync sync --help'"
t exp-run --grace
is "$trc" 125 "exp-run --grace: 125"
err_is "exp-run --grace: needs a value" \
	"exp-run: option '--grace' needs a value; try 'exp-run --help'"

# --- missing operands: "TOOL CMD: missing WHAT", then the usage line,
# not the whole help
missing() {	# missing WHAT TOOL [CMD [ARGS...]]
	local what=$1 tool=$2 who
	shift
	t "$@"
	who="$tool${2:+ $2}"
	is "$trc" "$(usage_rc "$tool")" "$who without $what: usage status"
	is "$(head -1 "$T/err")" "$who: missing $what" "$who: says what is missing"
	sed -n 2p "$T/err" | grep -q "^Usage: $who"
	ok $? "$who: then its usage line"
	[ "$(wc -l <"$T/err")" -le 4 ] && ! grep -q '^$' "$T/err"
	ok $? "$who: not the whole help"
}
missing COMMAND runlog
missing RUN runlog show
missing "RUN and TEXT" runlog note
missing TEXT runlog note x
missing RUN runlog close
missing RUN runlog publish
missing "--task NAME" runlog new
missing "COMMAND (generate, sign or verify)" passport
missing CKPT_DIR passport generate
missing CKPT_DIR passport verify
missing "--verdict pass|soft_signal" passport sign x
missing "COMMAND (list, slim or sync)" exp-wandb-sync
missing "RUN (a W&B run directory)" exp-wandb-sync slim
missing "RUN (or --all-unsynced)" exp-wandb-sync sync
missing CMD exp-run

# --- -j 0: refused the same way by every tool that takes -j
jobs0() {	# jobs0 OPT MAX TOOL CMD ARGS...
	local opt=$1 max=$2 who="$3 $4"
	shift 2
	t "$@"
	is "$trc" 2 "$who $opt 0: exit 2"
	err_is "$who $opt 0: one line, the range and the default" \
		"$who: $opt: expected a number from 1 to $max, not '0' (leave it out for the default); try '$who --help'"
}
jobs0 --threads 64 runlog status --threads 0
jobs0 --jobs 256 passport generate x -j 0
jobs0 --jobs 256 passport verify x --jobs 0
jobs0 --jobs 256 exp-wandb-sync list -j 0
jobs0 --jobs 64 exp-wandb-sync sync x -j 0

# --- help: stdout, exit 0, "Usage: TOOL ..." first, and the usage
# lines name every option the help describes (or say [OPTIONS])
help_ok() {	# help_ok TOOL [CMD]
	local who="$*" usage o miss=
	t "$@" --help
	is "$trc" 0 "$who --help: exit 0"
	head -1 "$T/out" | grep -q "^Usage: $who\\b" && [ ! -s "$T/err" ]
	ok $? "$who --help: 'Usage: $who' on stdout"
	usage=$(awk 'NF == 0 { exit } { print }' "$T/out")
	case $usage in *OPTIONS*) return ;; esac
	for o in $(sed -n 's/^ \{1,\}\(-[A-Za-z], \)\{0,1\}\(--[a-z][a-z-]*\).*/\2/p' "$T/out"); do
		case $o in --help | --version) continue ;; esac
		case $usage in *"$o"*) ;; *) miss="$miss $o" ;; esac
	done
	is "$miss" "" "$who: the usage line names every option"
}
for tool in $TOOLS; do
	help_ok "$tool"
done
for c in status show timeline experiments sweep new note close lint publish reindex; do
	help_ok runlog "$c"
done
for c in generate sign verify; do
	help_ok passport "$c"
done
for c in list slim sync; do
	help_ok exp-wandb-sync "$c"
done
help_ok sbatch-exp sweep

# --- exit codes
mkdir fixable
# only mechanical findings: a misnamed log, no timeline.md, no experiments.md
cp "$CORPUS/docs/2026-03-11_clean.md" fixable/clean_2026-03-11.md
t runlog lint --fix fixable
is "$trc" 1 "lint --fix dry run with findings: 1, like lint"
grep -q '^dry run: ' "$T/out"
ok $? "lint --fix: the dry run says so"
t runlog lint --fix --yes fixable
is "$trc" 0 "lint --fix --yes that fixed everything: 0"

t exp-wandb-sync slim /etc
is "$trc" 3 "slim of a directory that is no W&B run: 3"
is "$(wc -l <"$T/err")" 1 "slim /etc: the error, one line"
[ ! -s "$T/out" ]
ok $? "slim /etc: no 'dry run: nothing removed' after the error"

# --- runlog status where there is no run_logs/: a hint about --root
mkdir elsewhere
(cd elsewhere && runlog status) >"$T/out" 2>"$T/err"
is "$?" 3 "status without ./run_logs: 3"
grep -q -- "run_logs: no such directory: .*--root DIR" "$T/err"
ok $? "status without ./run_logs: says to name the root with --root"
is "$(wc -l <"$T/err")" 1 "status without ./run_logs: one line"

# --- plurals
mkdir -p ck/one
echo w >ck/one/model.safetensors
"$PASSPORT" generate -q ck/one >/dev/null 2>&1
t passport verify ck/one
grep -q "^OK: ck/one: 1 entry matches " "$T/out"
ok $? "passport verify: '1 entry matches'"
t passport sign ck/one --verdict pass
grep -q ", 1 weight file, " "$T/out"
ok $? "passport sign: '1 weight file'"
echo x >>ck/one/model.safetensors
t passport verify ck/one
grep -q "^FAILED: ck/one: 1 of 1 entry differs " "$T/out"
ok $? "passport verify: '1 of 1 entry differs'"

# --- wide characters: the status columns line up on the screen
if have_python; then
	mklog wide/2026-03-11_训练模型.md 400 COMPLETED
	mklog wide/2026-03-11_plain.md 401 COMPLETED
	runlog status --all wide 2>/dev/null | python3 -c '
import re, sys, unicodedata
cols = set()
for line in sys.stdin:
    m = re.match(r"^(\S+\s+)\S", line)
    if not m or line.startswith(("hint", "(")):
        continue
    cols.add(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1
                 for ch in m.group(1)))
sys.exit(0 if len(cols) == 1 else 1)'
	ok $? "status: the MODE column starts at one screen column in every row"
else
	ok 0 "# SKIP python3 not installed"
fi
done_testing
