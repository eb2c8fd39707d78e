#!/bin/bash
# generate, verify, sign, verify again; the hashes are plain sha256 (the
# LFS oid the hub shows); thread counts do not change the result.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

ck=$WORK/ck
make_ckpt "$ck"
run "$PASSPORT" generate "$ck"
exits 0 "generate"
check "MODEL_PASSPORT.json written" -- test -f "$ck/MODEL_PASSPORT.json"
check "summary line" -- grep -q "^wrote $ck/MODEL_PASSPORT.json: 6 files" "$out"
check "no progress bar when stderr is not a terminal" -- test ! -s "$err"
is_lfs=0
for f in model-00001-of-00002.safetensors model-00002-of-00002.safetensors \
	 checkpoints/100/params/d0 config.json assets/norm_stats.json empty.txt; do
	sum=$(cd "$ck" && sha256sum "$f" | cut -d' ' -f1)
	grep -q "\"sha256\": \"$sum\"" "$ck/MODEL_PASSPORT.json" || is_lfs=1
done
check "every sha256 equals sha256sum's (the LFS oid)" -- test $is_lfs -eq 0
check "symlink recorded with its target" -- grep -q '"target": "model-00001-of-00002.safetensors"' "$ck/MODEL_PASSPORT.json"
check "no temp files left" -- test "$(leftovers "$ck")" -eq 0

run "$PASSPORT" verify "$ck"
exits 0 "verify"
check "OK summary" -- grep -q "^OK: $ck: 7 entries match" "$out"
run "$PASSPORT" verify "$ck" --json
exits 0 "verify --json"
check "JSON says ok" -- grep -q '"ok": true' "$out"
check "JSON report schema" -- grep -q '"schema": "exp-log/passport-verify"' "$out"
run "$PASSPORT" verify "$ck" --require-signoff
exits 1 "--require-signoff without a signoff fails"
check "one line for the problem" -- grep -q "^signoff: no SIGNOFF.json" "$out"

run "$PASSPORT" sign "$ck" --verdict pass
exits 0 "sign"
check "verdict recorded" -- grep -q '"verdict": "pass"' "$ck/SIGNOFF.json"
check "files under params/ are weights" -- grep -q '"path": "checkpoints/100/params/d0"' "$ck/SIGNOFF.json"
check "safetensors are weights" -- grep -q '"path": "model-00001-of-00002.safetensors"' "$ck/SIGNOFF.json"
check "exactly the 3 weight files" -- test "$(grep -c '"path":' "$ck/SIGNOFF.json")" -eq 3
psum=$(sha256sum "$ck/MODEL_PASSPORT.json" | cut -d' ' -f1)
check "signoff holds the passport's sha256" -- grep -q "\"sha256\": \"$psum\"" "$ck/SIGNOFF.json"
run "$PASSPORT" verify "$ck" --require-signoff
exits 1 "an unsigned signoff does not satisfy --require-signoff"
check "says it must be signed" -- grep -q "^signoff: not signed: --require-signoff needs a signature by a trusted key" "$out"
check "summary names the verdict" -- grep -q "signoff pass by" "$out"
umask 077
openssl genpkey -algorithm ed25519 -out "$WORK/key.pem" 2>/dev/null
openssl pkey -in "$WORK/key.pem" -pubout -out "$WORK/pub.pem" 2>/dev/null
umask 022
"$PASSPORT" sign "$ck" --verdict pass --key "$WORK/key.pem" --force -q
key_id "$WORK/pub.pem" >"$WORK/trusted-keys"
run "$PASSPORT" verify "$ck" --require-signoff
exits 0 "verify --require-signoff, signed by a trusted key"

cp "$ck/MODEL_PASSPORT.json" "$WORK/p1.json"
run "$PASSPORT" generate "$ck" --jobs 1
exits 3 "generate again with a signoff present needs --force"
check "says --force" -- grep -q "[-]-force" "$err"
run "$PASSPORT" generate "$ck" --jobs 1 --force -q
exits 0 "one thread"
check "--quiet prints nothing" -- test ! -s "$out"
grep -v '"created"' "$ck/MODEL_PASSPORT.json" >"$WORK/a"
SLURM_CPUS_ON_NODE=1 run "$PASSPORT" generate "$ck" --force
check "SLURM_CPUS_ON_NODE bounds the threads" -- grep -q "1 thread)" "$out"
run "$PASSPORT" generate "$ck" --jobs 8 --force
exits 0 "eight threads"
grep -v '"created"' "$ck/MODEL_PASSPORT.json" >"$WORK/b"
check "same manifest whatever the thread count" -- cmp "$WORK/a" "$WORK/b"
echo "a late note" >"$ck/NOTES.md"
run "$PASSPORT" generate "$ck" --force
exits 0 "regenerate after adding a file"
run "$PASSPORT" verify "$ck" --require-signoff
exits 1 "the old signoff no longer matches the new passport"
check "binding problem named" -- grep -q "signoff: made for another MODEL_PASSPORT.json" "$out"
done_testing
