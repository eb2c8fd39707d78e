# lib.sh - helpers for the passport CLI tests (sourced by NN-name.t); TAP
# comes from tests/include/tap.sh.
#
#   run CMD...            run, keep exit code in $rc, output in $out/$err
#   exits RC DESC         the last run exited with RC
# After any failed test the last run's stdout and stderr are shown.
set -u

: "${TESTS_SRCDIR:=$(cd "$(dirname "$0")" && pwd)}"
# shellcheck disable=SC1091
. "$TESTS_SRCDIR/../include/tap.sh"

PASSPORT=${PASSPORT:-passport}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/passport-t.XXXXXX") || bail "mktemp failed"
out=$WORK/stdout
err=$WORK/stderr
: >"$out"
: >"$err"
rc=0
trap 'chmod -R u+rwx "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
# the machine's /etc/exp-log and ~/.config trusted keys play no part
export EXP_LOG_TRUSTED_KEYS=$WORK/trusted-keys

# key_id PUB.pem: the id passport gives an Ed25519 public key (sha256 of
# the raw 32-byte key, the last 32 bytes of its DER form)
key_id() {
	openssl pkey -pubin -in "$1" -outform DER 2>/dev/null | tail -c 32 |
		sha256sum | cut -d' ' -f1
}

# show_run: the last run's output, as diagnostics (TAP_ON_FAIL hook).
show_run() {
	sed 's/^/#   stdout: /' "$out" | head -20
	sed 's/^/#   stderr: /' "$err" | head -20
}
TAP_ON_FAIL=show_run

run() {
	"$@" >"$out" 2>"$err"
	rc=$?
}

exits() {	# exits RC DESC: the last run exited with RC
	if [ "$rc" -eq "$1" ]; then
		ok 0 "$2"
	else
		diag "  exit status $rc, expected $1"
		ok 1 "$2"
	fi
}

# make_ckpt DIR: a small Hugging Face style checkpoint.
make_ckpt() {
	mkdir -p "$1/assets" "$1/checkpoints/100/params"
	head -c 3000000 /dev/urandom >"$1/model-00001-of-00002.safetensors"
	head -c 1000 /dev/urandom >"$1/model-00002-of-00002.safetensors"
	head -c 5000 /dev/urandom >"$1/checkpoints/100/params/d0"
	printf '{"hidden": 64}\n' >"$1/config.json"
	printf '{"mean": [0.5]}\n' >"$1/assets/norm_stats.json"
	: >"$1/empty.txt"
	ln -s model-00001-of-00002.safetensors "$1/latest.safetensors"
}

# leftovers DIR: temp files an interrupted write would leave.
leftovers() {
	ls -A "$1" | grep -c '\.tmp\.'
}
