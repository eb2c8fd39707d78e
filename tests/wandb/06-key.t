#!/bin/bash
# The W&B API key: read only from a private file (or the environment),
# handed to the child only in its environment, never printed, logged or
# written anywhere.
. "${WANDB_TESTS_SRC:-.}/lib.sh"

mkdir -p "$T/bin" "$T/home" "$T/wandb"
cp "$WANDB_TESTS_SRC/fake-wandb" "$T/bin/wandb"
chmod 755 "$T/bin/wandb"
PATH=$T/bin:$PATH
HOME=$T/home
export PATH HOME
KEY="s3cr3t-$(date +%s)-0123456789abcdefXYZ"
printf '%s\n' "$KEY" >"$T/home/.wandb_key"
chmod 600 "$T/home/.wandb_key"
FAKE_WANDB_LOG=$T/calls
FAKE_WANDB_EXPECT=$T/home/.wandb_key
export FAKE_WANDB_LOG FAKE_WANDB_EXPECT
unset WANDB_API_KEY
R=$T/wandb/offline-run-20260101_000000-key00001
"$TOOL" mkrun "$R" key00001 --exit 0 >/dev/null
D="--entity team --project proj"

# every output of every run below is kept, to search for the key at the end
n=0
keep() {
	n=$((n + 1))
	cp "$T/out" "$T/kept-out.$n"
	cp "$T/err" "$T/kept-err.$n"
}

esync sync $D "$R"
keep
check "default: ~/.wandb_key when there is no ~/.wandb_token" out_has "API key: from $T/home/.wandb_key"
printf '%s\n' "$KEY" >"$T/home/.wandb_token"
chmod 600 "$T/home/.wandb_token"
esync sync $D "$R"
keep
check "default: ~/.wandb_token first" out_has "API key: from $T/home/.wandb_token"

chmod 640 "$T/home/.wandb_token"
esync sync $D "$R"
keep
check "group-readable file: reported in the dry run" out_has "accessible by group or others (mode 0640)"
esync sync $D --yes "$R"
keep
check "group-readable file: --yes refuses, exit 3" eq "$rc" 3
check "group-readable file: tells how to fix it" err_has "chmod 600"
check "group-readable file: wandb never called" test ! -e "$T/calls"
chmod 604 "$T/home/.wandb_token"
esync sync $D --yes "$R"
keep
check "world-readable file: refused" eq "$rc" 3
chmod 600 "$T/home/.wandb_token"

ln -s "$T/home/.wandb_token" "$T/link"
esync sync $D --yes --wandb-token-file "$T/link" "$R"
keep
check "symlinked key file: refused" eq "$rc" 3
check "symlinked key file: says why" err_has "symlink"
: >"$T/empty"
chmod 600 "$T/empty"
esync sync $D --yes --wandb-token-file "$T/empty" "$R"
keep
check "empty key file: refused" eq "$rc" 3
esync sync $D --yes --wandb-token-file "$T/missing" "$R"
keep
check "missing key file: refused" eq "$rc" 3

# the environment, when there is no key file at all
mv "$T/home/.wandb_token" "$T/home/.t" && mv "$T/home/.wandb_key" "$T/home/.k"
esync sync $D --yes "$R"
keep
check "no key anywhere: exit 3" eq "$rc" 3
check "no key anywhere: says how to make one" err_has "create ~/.wandb_token"
WANDB_API_KEY=$KEY
export WANDB_API_KEY
FAKE_WANDB_EXPECT=$T/home/.k
esync sync $D "$R"
keep
check "WANDB_API_KEY in the environment: used" out_has "API key: from WANDB_API_KEY"
esync sync $D --yes "$R"
keep
check "WANDB_API_KEY: synced" eq "$rc" 0
check "WANDB_API_KEY: the child got it" grep -q "key=ok" "$T/calls"
unset WANDB_API_KEY
mv "$T/home/.t" "$T/home/.wandb_token" && mv "$T/home/.k" "$T/home/.wandb_key"
FAKE_WANDB_EXPECT=$T/home/.wandb_key
rm "$R/run-key00001.wandb.synced"

# a key in the environment is replaced by the file's, not duplicated
WANDB_API_KEY=not-the-key
export WANDB_API_KEY
: >"$T/calls"
esync sync $D --yes "$R"
keep
check "file wins over a stale WANDB_API_KEY" grep -q "key=ok" "$T/calls"
unset WANDB_API_KEY
rm "$R/run-key00001.wandb.synced"

# a careless child that prints the key: redacted from everything shown
touch "$R/.fake-leak"
esync sync $D --yes "$R"
keep
check "leaky child: failure reported" eq "$rc" 1
check "leaky child: its stderr tail is shown" out_has "wandb: ERROR login failed for key [redacted]"
esync sync $D --yes --json "$R"
keep
check "leaky child, json: redacted" sh -c "grep -qF '[redacted]' '$T/out'"

# the key is nowhere: not in any output, not in the argv log, not in any
# file under the test directory other than the two key files
check "key in no output" sh -c "! grep -rqF -- '$KEY' '$T'/kept-*"
check "key in no argv" sh -c "! grep -qF -- '$KEY' '$T/calls'"
check "key in no file but the key files" \
	sh -c "test \"\$(grep -rlF -- '$KEY' '$T' | sort)\" = \"\$(printf '%s\n' '$T/home/.wandb_key' '$T/home/.wandb_token')\""
check "calls made: the fake saw the right key each time" \
	sh -c "! grep -q 'key=\(wrong\|missing\)' '$T/calls'"

done_testing
