#!/bin/bash
# Bash completion of runlog, passport, exp-wandb-sync, exp-run and sbatch-exp
# (contrib/completion/exp-log.bash): every sub-command and every option
# each tool's --help shows is offered, nothing from another sub-command,
# run names and groups come from the root, option values, and make
# install puts one completion file per tool.
. "$(dirname "$0")/lib.sh"
COMP=$top_srcdir/contrib/completion/exp-log.bash
B=$top_builddir
PATH=$B/runlog:$B/passport:$B/wandb-sync:$B/sbatch-wrappers:$PATH
export PATH COMP

bash -n "$COMP"
ok $? "the completion script parses"

# comp LINE: what <TAB> at the end of LINE offers, sorted, one line.
# COMP_WORDS is split as bash does with "=" in COMP_WORDBREAKS.
comp() {
	bash -c '
		. "$COMP" || exit 1
		line=$1 w=()
		read -ra words <<<"$line"
		for x in "${words[@]}"; do
			case $x in
			-*=) w+=("${x%=}" "=") ;;
			-*=?*) w+=("${x%%=*}" "=" "${x#*=}") ;;
			*) w+=("$x") ;;
			esac
		done
		case $line in *" " | *=) w+=("") ;; esac
		COMP_WORDS=("${w[@]}")
		COMP_CWORD=$((${#w[@]} - 1))
		COMP_LINE=$line COMP_POINT=${#line}
		_exp_log_complete "${w[0]}" "${w[COMP_CWORD]}" \
			"${w[COMP_CWORD - 1]}" || exit 1
		printf "%s\n" "${COMPREPLY[@]}" | grep -v "^\$" | sort -u |
			tr "\n" " "' _ "$1"
}

# cmds HELP: the sub-commands of a Commands section.
cmds() {
	sed -n '/^[Cc]ommands:$/,/^$/p' <<<"$1" |
		sed -n 's/^  \([a-z][a-z0-9-]*\)\( .*\)\{0,1\}$/\1/p' | sort -u | tr '\n' ' '
}

# longopts HELP [ENTRY]: the long options of the option table rows and
# usage lines of HELP, or of the Commands entry ENTRY (passport).
longopts() {
	local help=$1 entry=${2:-}
	{
		if [ -n "$entry" ]; then
			awk -v e="$entry" '/^[Cc]ommands:$/ { c = 1; next }
				c && /^  [a-z]/ { in_e = ($1 == e) }
				c && /^[^ ]/ { c = 0 }
				c && in_e' <<<"$help"
			grep -E '^ {1,8}-' <<<"$help" | sed -E 's/^ *([^ ].*)/\1/; s/  .*//'
		else
			sed -n '/^[Uu]sage:/,/^$/p' <<<"$help"
			grep -E '^ {1,8}-' <<<"$help" | sed -E 's/^ *([^ ].*)/\1/; s/  .*//'
		fi
	} | grep -oE -- '--[a-z][a-z0-9-]*=?' | sort -u
}

# every_opt TOOL [SUB]: each long option of the help is offered after --
every_opt() {
	local tool=$1 sub=${2:-} help got o missing=
	if [ -n "$sub" ]; then
		help=$("$tool" "$sub" --help 2>&1)
		if [ "$help" = "$("$tool" --help 2>&1)" ]; then
			want=$(longopts "$help" "$sub")
		else
			want=$(longopts "$help")
		fi
		got=$(comp "$tool $sub --")
	else
		want=$(longopts "$("$tool" --help 2>&1)")
		got=$(comp "$tool --")
	fi
	# a sub-command has options; a top level may have none (exp-wandb-sync)
	if [ -n "$sub" ] && [ -z "$want" ]; then
		ok 1 "$tool $sub: options found in its --help"
		return
	fi
	for o in $want; do
		case " $got " in *" $o "*) ;; *) missing="$missing $o" ;; esac
	done
	is "$missing" "" "$tool${sub:+ $sub} --<TAB>: every option of its --help${missing:+ (missing:$missing)}"
}

for tool in runlog passport exp-wandb-sync sbatch-exp; do
	help=$("$tool" --help 2>&1)
	subs=$(cmds "$help")
	[ -n "$subs" ]
	ok $? "$tool --help lists its commands"
	is "$(comp "$tool ")" "$subs" "$tool <TAB>: its sub-commands"
	every_opt "$tool"
	for sub in $subs; do
		every_opt "$tool" "$sub"
	done
done
every_opt exp-run

# nothing from another sub-command or from prose
case " $(comp "passport sign ck --") " in *" --contract "*) r=1 ;; *) r=0 ;; esac
is $r 0 "passport sign: no option of generate"
case " $(comp "passport sign ck --") " in *" --verdict "*) r=0 ;; *) r=1 ;; esac
is $r 0 "passport sign: --verdict (from its Commands entry)"
case " $(comp "runlog publish r --") " in *" --require-signoff "*) r=1 ;; *) r=0 ;; esac
is $r 0 "runlog publish: not an option its text only quotes"
case " $(comp "exp-run --") " in *" --signal="*) r=1 ;; *) r=0 ;; esac
is $r 0 "exp-run: not an option quoted in a description"

# run names and groups come from the root (./run_logs, --root, -C)
mkdir -p run_logs/grpA run_logs/grpB other/g9 ckpt
touch run_logs/2026-01-01_flat.md run_logs/grpA/2026-02-02_train.md \
	run_logs/grpA/timeline.md run_logs/grpA/experiments.md \
	other/g9/2026-03-03_x.md
is "$(comp "runlog show ")" "2026-01-01_flat grpA/2026-02-02_train " \
	"runlog show <TAB>: the run logs of ./run_logs, not timeline/experiments"
is "$(comp "runlog show grpA/")" "grpA/2026-02-02_train " "a prefix narrows them"
is "$(comp "runlog --root=other note ")" "g9/2026-03-03_x " "--root=DIR picks the root"
is "$(comp "runlog -C other close ")" "g9/2026-03-03_x " "-C DIR picks the root"
is "$(comp "runlog --root other --color never show ")" "g9/2026-03-03_x " \
	"options with separate values are skipped"
is "$(comp "runlog timeline ")" "grpA grpB " "runlog timeline <TAB>: groups"
is "$(comp "runlog status --group ")" "grpA grpB " "--group <TAB>: groups"
is "$(comp "runlog -C other lint -g ")" "g9 " "-g <TAB>: groups of --root"

# option values
is "$(comp "runlog --color=")" "always auto never " "--color=<TAB>"
is "$(comp "runlog new --mode ")" "experiment pipeline pipeline: replication " "--mode <TAB>"
is "$(comp "passport sign ckpt --verdict ")" "pass soft_signal " "--verdict <TAB>: a|b of the help"
is "$(comp "passport verify ")" "ckpt other run_logs " "passport verify <TAB>: directories"
is "$(comp "exp-run --grace=")" "" "exp-run --grace=<TAB>: a number, nothing offered"
is "$(comp "exp-run --state=")" "ckpt other run_logs " "exp-run --state=<TAB>: directories"
case " $(comp "exp-run --grace=30 -- bas") " in *" bash "*) r=0 ;; *) r=1 ;; esac
is $r 0 "exp-run -- <TAB>: a command"

# make install: one completion file per tool
if make -s -C "$B/contrib" install DESTDIR="$T/inst" >/dev/null 2>&1; then
	for tool in runlog passport exp-wandb-sync exp-run sbatch-exp; do
		f=$(find "$T/inst" -path "*/bash-completion/completions/$tool")
		[ -n "$f" ] && cmp -s "$f" "$COMP"
		ok $? "make install: bash-completion/completions/$tool"
	done
else
	ok 1 "make install DESTDIR=... in contrib/"
fi

done_testing
