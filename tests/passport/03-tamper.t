#!/bin/bash
# Every kind of tampering makes verify exit 1 with one line that names it.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

ck=$WORK/ck
umask 077
openssl genpkey -algorithm ed25519 -out "$WORK/key.pem" 2>/dev/null
openssl pkey -in "$WORK/key.pem" -pubout -out "$WORK/pub.pem" 2>/dev/null
umask 022
key_id "$WORK/pub.pem" >"$WORK/trusted-keys"
fresh() {
	rm -rf "$ck"
	make_ckpt "$ck"
	"$PASSPORT" generate "$ck" -q && "$PASSPORT" sign "$ck" --verdict pass --key "$WORK/key.pem" -q
}

# tamper DESC LINE-REGEX: verify must fail and print a matching line.
tamper() {
	run "$PASSPORT" verify "$ck" --require-signoff
	exits 1 "$1: verify exits 1"
	check "$1: reported" -- grep -Eq "$2" "$out"
	check "$1: summary says FAILED" -- grep -q "^FAILED: " "$out"
}

fresh
printf 'X' | dd of="$ck/model-00002-of-00002.safetensors" bs=1 seek=10 conv=notrunc 2>/dev/null
tamper "modified" "^hash mismatch: model-00002-of-00002.safetensors \(expected sha256 [0-9a-f]{16}\.\.\., found [0-9a-f]{16}\.\.\.\)$"
run "$PASSPORT" verify "$ck" --json
check "modified: JSON status" -- grep -q '"status": "hash_mismatch"' "$out"

fresh
truncate -s 100 "$ck/model-00001-of-00002.safetensors"
tamper "truncated" "^size mismatch: model-00001-of-00002.safetensors \(expected 3000000 bytes, found 100\)$"

fresh
rm "$ck/config.json"
tamper "missing" "^missing: config.json$"

fresh
echo extra >"$ck/assets/extra.txt"
tamper "extra" "^extra: assets/extra.txt$"

fresh
rm "$ck/latest.safetensors"
ln -s model-00002-of-00002.safetensors "$ck/latest.safetensors"
tamper "retargeted link" "^target mismatch: latest.safetensors \(expected -> model-00001-of-00002.safetensors, found -> model-00002-of-00002.safetensors\)$"

fresh
rm "$ck/config.json"
ln -s /etc/hostname "$ck/config.json"
tamper "file replaced by a link" "^type mismatch: config.json \(expected a file, found a symlink -> /etc/hostname\)$"

# swapped passport: one from another checkpoint, consistent with its files
fresh
mkdir "$WORK/other"
cp -a "$ck/." "$WORK/other/"
echo "v2" >"$WORK/other/config.json"
"$PASSPORT" generate "$WORK/other" --force -q
cp "$WORK/other/MODEL_PASSPORT.json" "$ck/MODEL_PASSPORT.json"
tamper "swapped passport" "^(hash|size) mismatch: config.json"
check "swapped passport: signoff binding broken" -- grep -q "^signoff: made for another MODEL_PASSPORT.json" "$out"

# swapped signoff: a valid signoff of the other checkpoint
fresh
"$PASSPORT" sign "$WORK/other" --verdict pass --force -q
cp "$WORK/other/SIGNOFF.json" "$ck/SIGNOFF.json"
tamper "swapped signoff" "^signoff: made for another MODEL_PASSPORT.json"

# the passport itself edited to match a modified file
fresh
echo '{"hidden": 65}' >"$ck/config.json"
sum=$(sha256sum "$ck/config.json" | cut -d' ' -f1)
old=$(grep -A2 '"path": "config.json"' "$ck/MODEL_PASSPORT.json" | grep sha256 | sed 's/.*: "\(.*\)".*/\1/')
sed -i "s/$old/$sum/" "$ck/MODEL_PASSPORT.json"
tamper "passport edited to hide a change" "^signoff: made for another MODEL_PASSPORT.json"

fresh
run "$PASSPORT" verify "$ck" --require-signoff
exits 0 "untouched: exit 0"
done_testing
