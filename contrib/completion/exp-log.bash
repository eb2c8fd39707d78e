# bash completion for the exp-log tools: runlog, passport, exp-wandb-sync,
# exp-run, sbatch-exp.  Installed once per command name (bash-completion loads
# completions/<command> on first use); every copy registers them all.
#
# Sub-commands and options are read from the tools' own --help at
# completion time, so they never drift from the code: sub-commands are
# the entries of a "Commands:" section, options are the first column of
# the option tables plus the [--opt ARG] words of the usage lines (and,
# where a sub-command has no help of its own, of its entry in Commands).
# An option's argument name chooses what completes after it: DIR -> a
# directory, RUN (runlog) -> a run log of the root, GROUP/G -> a group of
# the root, lower-case a|b -> those words, names in _exp_log_values ->
# their words, a number or free text -> nothing, anything else -> a file.
#
# A new tool: add its name to the `complete` line at the end (and to
# EXL_COMPLETIONS in contrib/Makefile.am, which installs this file).

# _exp_log_help_parse MODE [SUB] < help: MODE "cmds" prints the
# sub-commands; MODE "opts" prints "OPTION<TAB>ARGNAME" per option
# (ARGNAME empty for a flag; OPTION ends in "=" when it takes --opt=ARG),
# taken from SUB's entry of a Commands section when SUB is given.
_exp_log_help_parse()
{
	awk -v mode="$1" -v sub_="${2-}" '
	function emit(tok, arg) {
		sub(/^\[+/, "", tok); sub(/[\],.]+$/, "", tok)
		sub(/\[=.*$/, "", tok)	# "--requeue[=MAX]": an optional argument
		sub(/^\[+/, "", arg); sub(/[\]]+$/, "", arg)
		if (tok !~ /^--?[A-Za-z0-9][A-Za-z0-9-]*(=.*)?$/)
			return
		if (tok ~ /=/) {
			arg = tok; sub(/^[^=]*=/, "", arg); sub(/=.*/, "=", tok)
		}
		if (arg ~ /^-/ || arg == "|" || arg == "...")
			arg = ""
		print tok "\t" arg
	}
	# words: every -opt of a usage line or Commands entry, with the
	# word after it as its argument unless that is another option
	function words(line,   n, w, i) {
		n = split(line, w, /[ \t]+/)
		for (i = 1; i <= n; i++)
			if (w[i] ~ /^\[*--?[A-Za-z]/)
				emit(w[i], (i < n && w[i + 1] !~ /^\[*-/ &&
					    w[i + 1] != "|") ? w[i + 1] : "")
	}
	# table: "  -C, --root DIR    text": the options before the text
	function table(line,   col, n, w, i, arg) {
		col = line
		sub(/^[ \t]+/, "", col)
		sub(/  .*/, "", col)
		n = split(col, w, /,? +/)
		arg = (n > 1 && w[n] !~ /^-/) ? w[n] : ""
		for (i = 1; i <= n; i++)
			if (w[i] ~ /^-/)
				emit(w[i], w[i] ~ /=/ ? "" : arg)
	}
	/^$/ { usage = 0; cmds = 0; entry = 0; next }
	/^[Uu]sage:/ { usage = 1; cmds = 0 }
	/^[Cc]ommands:$/ { cmds = 1; usage = 0; next }
	/^[A-Za-z]/ && !/^[Uu]sage:/ { usage = 0; cmds = 0; entry = 0 }
	cmds && /^  [a-z][a-z0-9-]*( |$)/ {
		split($0, f, " ")
		if (mode == "cmds")
			print f[1]
		entry = (f[1] == sub_)
		if (entry && mode == "opts")
			words($0)
		next
	}
	cmds && entry && /^   / { if (mode == "opts") words($0); next }
	cmds { next }
	mode != "opts" { next }
	usage { words($0); next }
	# a table row starts with an option after at most 8 blanks; a
	# deeper "-" continues the description of the row above
	match($0, /^ +-/) && RLENGTH <= 9 { table($0) }
	' | awk '!seen[$0]++'
}

# _exp_log_optarg OPTS WORD: the argument name of option WORD (given as
# --opt or, for --opt=ARG options, also as --opt), empty for a flag.
_exp_log_optarg()
{
	printf '%s\n' "$1" | awk -F'\t' -v o="$2" \
		'$1 == o || $1 == o "=" { print $2; exit }'
}

# Values of option arguments that are named in upper case.
_exp_log_values()
{
	case $1 in
	WHEN) echo "auto always never" ;;
	MODE) echo "replication experiment pipeline pipeline:" ;;
	STATE) echo "COMPLETED FAILED CANCELLED TIMEOUT OUT_OF_MEMORY" \
		"NODE_FAIL PREEMPTED" ;;
	esac
}

# _exp_log_root WORD...: the run-log root a runlog command line names
# (--root DIR, -C DIR, --root=DIR), else ./run_logs.
_exp_log_root()
{
	local root=run_logs
	while [ $# -gt 0 ]; do
		case $1 in
		--root=*) root=${1#--root=} ;;
		--root | -C)
			[ "${2-}" = = ] && shift
			[ $# -gt 1 ] && root=$2 && shift ;;
		esac
		shift
	done
	printf '%s\n' "${root%/}"
}

# _exp_log_groups ROOT: the groups (directories) of a run-log root.
_exp_log_groups()
{
	local d
	for d in "$1"/*/; do
		[ -d "$d" ] || continue
		d=${d%/}
		printf '%s\n' "${d##*/}"
	done
}

# _exp_log_runs ROOT: the run logs of ROOT as runlog takes them: NAME
# for the flat level, GROUP/NAME in a group, without ".md".
_exp_log_runs()
{
	local f rel
	for f in "$1"/*.md "$1"/*/*.md; do
		[ -f "$f" ] || continue
		case ${f##*/} in
		timeline.md | experiments.md | README.md | TRAINING_LOG.md | .*)
			continue ;;
		esac
		rel=${f#"$1"/}
		printf '%s\n' "${rel%.md}"
	done
}

# _exp_log_arg TOOL ARGNAME ROOT CUR: fill COMPREPLY for a value named
# ARGNAME (an option's argument or a positional word of the usage).
_exp_log_arg()
{
	local tool=$1 name=${2%...} root=$3 cur=$4 vals IFS=$'\n'
	name=${name#[}
	name=${name%]}
	# file names: quote them, mark directories with "/"
	case $name in
	RUN | GROUP | G | *[a-z]*\|*) ;;
	*) compopt -o filenames 2>/dev/null ;;
	esac
	case $name in
	RUN)
		if [ "$tool" = runlog ]; then
			COMPREPLY=($(compgen -W "$(_exp_log_runs "$root")" -- "$cur"))
			[ ${#COMPREPLY[@]} -gt 0 ] && return
			COMPREPLY=($(compgen -f -- "$cur"))
		else
			COMPREPLY=($(compgen -d -- "$cur"))
		fi ;;
	GROUP | G)
		COMPREPLY=($(compgen -W "$(_exp_log_groups "$root")" -- "$cur")) ;;
	DIR | *_DIR | ROOT) COMPREPLY=($(compgen -d -- "$cur")) ;;
	N | S | SECS | TEXT | TEXT... | ID | PID | CODE | RE | REGEX | E | \
	P | NAME | "") ;;
	*[a-z]*\|*)
		IFS=' '
		COMPREPLY=($(compgen -W "${name//|/ }" -- "$cur")) ;;
	*)
		vals=$(_exp_log_values "$name")
		if [ -n "$vals" ]; then
			IFS=' '
			COMPREPLY=($(compgen -W "$vals" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi ;;
	esac
}

# The completion function of every exp-log tool.
_exp_log_complete()
{
	local tool=${1##*/} cur prev i w sub= subi=0 help opts root arg pos=0
	local IFS=$'\n'
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()

	# exp-run [OPTIONS] -- CMD ...: after "--", complete CMD and its args
	for ((i = 1; i < COMP_CWORD; i++)); do
		if [ "${COMP_WORDS[i]}" = -- ]; then
			if declare -F _command_offset >/dev/null; then
				_command_offset $((i + 1))
			elif [ $((i + 1)) = "$COMP_CWORD" ]; then
				COMPREPLY=($(compgen -c -- "$cur"))
			else
				COMPREPLY=($(compgen -f -- "$cur"))
			fi
			return 0
		fi
	done

	help=$("$1" --help 2>/dev/null)
	root=$(_exp_log_root "${COMP_WORDS[@]:1:COMP_CWORD-1}")
	opts=$(_exp_log_help_parse opts <<<"$help")

	# the sub-command: the first word that is not an option or the
	# argument of one, if the tool has sub-commands at all
	if [ -n "$(_exp_log_help_parse cmds <<<"$help")" ]; then
		for ((i = 1; i < COMP_CWORD; i++)); do
			w=${COMP_WORDS[i]}
			case $w in
			-*=*) continue ;;
			=) i=$((i + 1)); continue ;;
			-*)
				arg=$(_exp_log_optarg "$opts" "$w")
				[ -n "$arg" ] && i=$((i + 1))
				[ -n "$arg" ] && [ "${COMP_WORDS[i]-}" = = ] &&
					i=$((i + 1))
				continue ;;
			esac
			sub=$w
			subi=$i
			break
		done
		if [ -z "$sub" ] && [[ $cur != -* ]] && [ "$prev" != = ]; then
			arg=$(_exp_log_optarg "$opts" "$prev")
			if [ -z "$arg" ] || [ "$COMP_CWORD" = 1 ]; then
				COMPREPLY=($(compgen -W \
					"$(_exp_log_help_parse cmds <<<"$help")" -- "$cur"))
				return 0
			fi
		fi
		if [ -n "$sub" ]; then
			local shelp
			shelp=$("$1" "$sub" --help 2>/dev/null)
			if [ "$shelp" = "$help" ]; then
				# no help of its own: its Commands entry and the
				# options for every command
				opts=$(_exp_log_help_parse opts "$sub" <<<"$help")
				help=$(printf '%s\n' "$shelp" |
					awk -v s="$sub" '$1 == s { print "Usage: x " $0; exit }')
			else
				help=$shelp
				opts=$(_exp_log_help_parse opts <<<"$shelp")
			fi
		fi
	fi

	# an option's value: --opt=VALUE (bash splits at "=") or --opt VALUE
	w=
	if [ "$prev" = = ]; then
		w=${COMP_WORDS[COMP_CWORD - 2]}=
	elif [ "$cur" = = ]; then
		w=$prev=
		cur=
	elif [[ $prev == -* ]]; then
		w=$prev
	fi
	if [ -n "$w" ]; then
		arg=$(_exp_log_optarg "$opts" "$w")
		if [ -n "$arg" ]; then
			_exp_log_arg "$tool" "$arg" "$root" "$cur"
			return 0
		fi
	fi

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(printf '%s\n' "$opts" | cut -f1)" \
			-- "$cur"))
		[[ ${COMPREPLY[0]-} == *= ]] && compopt -o nospace 2>/dev/null
		return 0
	fi

	# a positional word: the usage line's words after the sub-command
	# that are not options, counted past options and their arguments
	for ((i = subi + 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		=) i=$((i + 1)) ;;
		-*=*) ;;
		-*)
			arg=$(_exp_log_optarg "$opts" "$w")
			[ -n "$arg" ] && i=$((i + 1))
			[ -n "$arg" ] && [ "${COMP_WORDS[i]-}" = = ] &&
				i=$((i + 1)) ;;
		*) pos=$((pos + 1)) ;;
		esac
	done
	arg=$(printf '%s\n' "$help" | awk -v s="$sub" -v p="$pos" '
		/^[Uu]sage:/ {
			n = split($0, w, /[ \t]+/)
			for (i = 3; i <= n; i++) {
				if (s != "" && w[i] != s) continue
				k = 0
				for (j = i + (s != ""); j <= n; j++) {
					if (w[j] ~ /^\[*-/ || w[j] ~ /^\[?(COMMAND|OPTIONS)\]?$/) {
						if (w[j] ~ /^\[*--?[A-Za-z].*[^\]]$/ && w[j+1] !~ /^\[*-/) j++
						continue
					}
					if (k == p || w[j] ~ /\.\.\.\]?$/) { print w[j]; exit }
					k++
				}
				exit
			}
		}')
	_exp_log_arg "$tool" "${arg%%|*}" "$root" "$cur"
	return 0
}

complete -F _exp_log_complete runlog passport exp-wandb-sync exp-run sbatch-exp
