# lib.sh - TAP helpers for the passport CLI tests (sourced by t*.t).
#
#   run CMD...            run, keep exit code in $rc, output in $out/$err
#   is RC DESC            the last run exited with RC
#   ok COND... -- DESC    a test command succeeds (e.g. grep -q ...)
#   skip DESC WHY         a skipped test
#   done_testing          plan line, exit status
set -u

PASSPORT=${PASSPORT:-passport}
n=0
failed=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/passport-t.XXXXXX")
out=$WORK/stdout
err=$WORK/stderr
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

pass_fail() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=1
		sed 's/^/#   stdout: /' "$out" | head -20
		sed 's/^/#   stderr: /' "$err" | head -20
	fi
}

run() {
	"$@" >"$out" 2>"$err"
	rc=$?
}

is() {
	[ "$rc" -eq "$1" ]
	local r=$?
	[ $r -eq 0 ] || echo "#   exit status $rc, expected $1"
	pass_fail $r "$2"
}

ok() {
	local cmd=() desc
	while [ "$1" != "--" ]; do
		cmd+=("$1")
		shift
	done
	shift
	desc=$1
	"${cmd[@]}" >/dev/null 2>&1
	pass_fail $? "$desc"
}

skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

done_testing() {
	echo "1..$n"
	exit $failed
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
