#!/bin/bash
# generate, verify, sign, verify again; the hashes are plain sha256 (the
# LFS oid the hub shows); thread counts do not change the result.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

ck=$WORK/ck
make_ckpt "$ck"
run "$PASSPORT" generate "$ck"
is 0 "generate"
ok test -f "$ck/MODEL_PASSPORT.json" -- "MODEL_PASSPORT.json written"
ok grep -q "^wrote $ck/MODEL_PASSPORT.json: 6 files" "$out" -- "summary line"
ok test ! -s "$err" -- "no progress bar when stderr is not a terminal"
is_lfs=0
for f in model-00001-of-00002.safetensors model-00002-of-00002.safetensors \
	 checkpoints/100/params/d0 config.json assets/norm_stats.json empty.txt; do
	sum=$(cd "$ck" && sha256sum "$f" | cut -d' ' -f1)
	grep -q "\"sha256\": \"$sum\"" "$ck/MODEL_PASSPORT.json" || is_lfs=1
done
ok test $is_lfs -eq 0 -- "every sha256 equals sha256sum's (the LFS oid)"
ok grep -q '"target": "model-00001-of-00002.safetensors"' "$ck/MODEL_PASSPORT.json" -- "symlink recorded with its target"
ok test "$(leftovers "$ck")" -eq 0 -- "no temp files left"

run "$PASSPORT" verify "$ck"
is 0 "verify"
ok grep -q "^OK: $ck: 7 entries match" "$out" -- "OK summary"
run "$PASSPORT" verify "$ck" --json
is 0 "verify --json"
ok grep -q '"ok": true' "$out" -- "JSON says ok"
ok grep -q '"schema": "exp-log/passport-verify"' "$out" -- "JSON report schema"
run "$PASSPORT" verify "$ck" --require-signoff
is 1 "--require-signoff without a signoff fails"
ok grep -q "^signoff: no SIGNOFF.json" "$out" -- "one line for the problem"

run "$PASSPORT" sign "$ck" --verdict pass
is 0 "sign"
ok grep -q '"verdict": "pass"' "$ck/SIGNOFF.json" -- "verdict recorded"
ok grep -q '"path": "checkpoints/100/params/d0"' "$ck/SIGNOFF.json" -- "files under params/ are weights"
ok grep -q '"path": "model-00001-of-00002.safetensors"' "$ck/SIGNOFF.json" -- "safetensors are weights"
ok test "$(grep -c '"path":' "$ck/SIGNOFF.json")" -eq 3 -- "exactly the 3 weight files"
psum=$(sha256sum "$ck/MODEL_PASSPORT.json" | cut -d' ' -f1)
ok grep -q "\"sha256\": \"$psum\"" "$ck/SIGNOFF.json" -- "signoff holds the passport's sha256"
run "$PASSPORT" verify "$ck" --require-signoff
is 1 "an unsigned signoff does not satisfy --require-signoff"
ok grep -q "^signoff: not signed: --require-signoff needs a signature by a trusted key" "$out" -- "says it must be signed"
ok grep -q "signoff pass by" "$out" -- "summary names the verdict"
umask 077
openssl genpkey -algorithm ed25519 -out "$WORK/key.pem" 2>/dev/null
openssl pkey -in "$WORK/key.pem" -pubout -out "$WORK/pub.pem" 2>/dev/null
umask 022
"$PASSPORT" sign "$ck" --verdict pass --key "$WORK/key.pem" --force -q
key_id "$WORK/pub.pem" >"$WORK/trusted-keys"
run "$PASSPORT" verify "$ck" --require-signoff
is 0 "verify --require-signoff, signed by a trusted key"

cp "$ck/MODEL_PASSPORT.json" "$WORK/p1.json"
run "$PASSPORT" generate "$ck" --jobs 1
is 3 "generate again with a signoff present needs --force"
ok grep -q "[-]-force" "$err" -- "says --force"
run "$PASSPORT" generate "$ck" --jobs 1 --force -q
is 0 "one thread"
ok test ! -s "$out" -- "--quiet prints nothing"
grep -v '"created"' "$ck/MODEL_PASSPORT.json" >"$WORK/a"
SLURM_CPUS_ON_NODE=1 run "$PASSPORT" generate "$ck" --force
ok grep -q "1 thread)" "$out" -- "SLURM_CPUS_ON_NODE bounds the threads"
run "$PASSPORT" generate "$ck" --jobs 8 --force
is 0 "eight threads"
grep -v '"created"' "$ck/MODEL_PASSPORT.json" >"$WORK/b"
ok cmp "$WORK/a" "$WORK/b" -- "same manifest whatever the thread count"
echo "a late note" >"$ck/NOTES.md"
run "$PASSPORT" generate "$ck" --force
is 0 "regenerate after adding a file"
run "$PASSPORT" verify "$ck" --require-signoff
is 1 "the old signoff no longer matches the new passport"
ok grep -q "signoff: made for another MODEL_PASSPORT.json" "$out" -- "binding problem named"
done_testing
