#!/bin/bash
# Signoffs: reasons, Ed25519 keys from openssl genpkey, wrong keys,
# forged and altered signatures, refusal to sign a mismatching tree.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

ck=$WORK/ck
make_ckpt "$ck"
"$PASSPORT" generate "$ck" -q
umask 077
openssl genpkey -algorithm ed25519 -out "$WORK/key.pem" 2>/dev/null
openssl pkey -in "$WORK/key.pem" -pubout -out "$WORK/pub.pem" 2>/dev/null
openssl genpkey -algorithm ed25519 -out "$WORK/key2.pem" 2>/dev/null
openssl pkey -in "$WORK/key2.pem" -pubout -out "$WORK/pub2.pem" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/ec.pem" 2>/dev/null
umask 022
check "keys made with openssl genpkey" -- test -s "$WORK/key.pem" -a -s "$WORK/pub.pem"

run "$PASSPORT" sign "$ck" --verdict soft_signal
exits 2 "soft_signal without a reason is refused"
check "no signoff written" -- test ! -e "$ck/SIGNOFF.json"
run "$PASSPORT" sign "$ck" --verdict soft_signal --reason "   "
exits 2 "a blank reason is no reason"

run "$PASSPORT" sign "$ck" --verdict soft_signal --reason 'val loss "spiked" at step 9k' --key "$WORK/key.pem"
exits 0 "signed with an Ed25519 key"
check "says it is signed" -- grep -q "signed (ed25519)" "$out"
check "no warning for a 0600 key" -- test ! -s "$err"
check "reason recorded" -- grep -q '"verdict_reason": "val loss \\"spiked\\" at step 9k"' "$ck/SIGNOFF.json"
check "signature recorded" -- grep -q '"algorithm": "ed25519"' "$ck/SIGNOFF.json"

run "$PASSPORT" verify "$ck" --pubkey "$WORK/pub.pem"
exits 0 "verifies with the public key"
check "summary says the signer matches" -- grep -q "signature valid (key [0-9a-f]\{16\}, matches --pubkey)" "$out"
run "$PASSPORT" verify "$ck"
exits 0 "verifies without --pubkey (integrity only)"
check "and says the signer is not trusted" -- grep -q "not trusted: pass --pubkey or list it in trusted-keys" "$out"
# issue 19, finding 6: a trust decision needs a trusted key
run "$PASSPORT" verify "$ck" --require-signoff
exits 1 "--require-signoff: a key nobody trusts fails"
check "names the full key id" -- grep -q "^signature: key $(key_id "$WORK/pub.pem") is not trusted: pass --pubkey or list it in a trusted-keys file" "$out"
printf '# the release signer\n%s alice\n' "$(key_id "$WORK/pub.pem")" >"$WORK/trusted-keys"
run "$PASSPORT" verify "$ck" --require-signoff
exits 0 "--require-signoff: a key in \$EXP_LOG_TRUSTED_KEYS passes"
check "and says which file trusts it" -- grep -q "trusted by $WORK/trusted-keys" "$out"
mv "$WORK/trusted-keys" "$WORK/site-keys"
run "$PASSPORT" verify "$ck" --require-signoff --trusted-keys "$WORK/site-keys"
exits 0 "--trusted-keys FILE"
key_id "$WORK/pub2.pem" >"$WORK/trusted-keys"
run "$PASSPORT" verify "$ck" --require-signoff
exits 1 "only another key trusted: fails"
printf 'not-a-key\n' >"$WORK/trusted-keys"
run "$PASSPORT" verify "$ck" --require-signoff
exits 1 "a malformed trusted-keys file trusts nothing"
check "and names file and line" -- grep -q "^trusted keys: $WORK/trusted-keys:1: expected a key id" "$out"
mv "$WORK/site-keys" "$WORK/trusted-keys"
run "$PASSPORT" verify "$ck" --pubkey "$WORK/pub2.pem"
exits 1 "another public key: exit 1"
check "says the key differs" -- grep -q "^signature: made with key [0-9a-f]\{16\}, not with the given public key" "$out"
run "$PASSPORT" verify "$ck" --pubkey "$WORK/key.pem"
exits 3 "a private key as --pubkey: exit 3"
check "says what a public key is" -- grep -q "not a PEM public key" "$err"

if command -v jq >/dev/null; then
	jq -cjS 'del(.signature)' "$ck/SIGNOFF.json" >"$WORK/msg"
	jq -r .signature.value "$ck/SIGNOFF.json" | base64 -d >"$WORK/sig"
	run openssl pkeyutl -verify -pubin -inkey "$WORK/pub.pem" -rawin -in "$WORK/msg" -sigfile "$WORK/sig"
	exits 0 "jq + openssl alone verify the signature (canonical JSON)"
else
	skip "jq + openssl alone verify the signature" "jq not installed"
fi

# altered: the verdict edited after signing
cp "$ck/SIGNOFF.json" "$WORK/good.json"
sed -i 's/"verdict": "soft_signal"/"verdict": "pass"/' "$ck/SIGNOFF.json"
run "$PASSPORT" verify "$ck" --pubkey "$WORK/pub.pem"
exits 1 "altered verdict: exit 1"
check "altered: reported" -- grep -q "^signature: does not match the document" "$out"

# forged: a real signature of the same key, lifted from another document
mkdir "$WORK/other"
make_ckpt "$WORK/other"
"$PASSPORT" generate "$WORK/other" -q
"$PASSPORT" sign "$WORK/other" --verdict pass --key "$WORK/key.pem" -q
cp "$WORK/good.json" "$ck/SIGNOFF.json"
theirs=$(grep '"value"' "$WORK/other/SIGNOFF.json" | sed 's/.*"value": "\(.*\)".*/\1/')
ours=$(grep '"value"' "$ck/SIGNOFF.json" | sed 's/.*"value": "\(.*\)".*/\1/')
sed -i "s|$ours|$theirs|" "$ck/SIGNOFF.json"
run "$PASSPORT" verify "$ck" --pubkey "$WORK/pub.pem"
exits 1 "transplanted signature: exit 1"
check "forged: reported" -- grep -q "forged" "$out"

# forged: the attacker re-signs with their own key
cp "$WORK/good.json" "$ck/SIGNOFF.json"
run "$PASSPORT" sign "$ck" --verdict pass --key "$WORK/key2.pem" --force
exits 0 "someone else signs"
run "$PASSPORT" verify "$ck" --pubkey "$WORK/pub.pem"
exits 1 "pinned to the real signer: exit 1"
run "$PASSPORT" verify "$ck" --require-signoff
exits 1 "re-signed by an untrusted key: --require-signoff fails without --pubkey"

run "$PASSPORT" sign "$ck" --verdict pass --key "$WORK/ec.pem" --force
exits 3 "an EC key is refused: exit 3"
check "says Ed25519 is needed" -- grep -q "not an Ed25519 key" "$err"
run "$PASSPORT" sign "$ck" --verdict pass --key "$WORK/missing.pem" --force
exits 3 "a missing key file: exit 3"
chmod 644 "$WORK/key.pem"
run "$PASSPORT" sign "$ck" --verdict pass --key "$WORK/key.pem" --force
exits 0 "a readable key still signs"
check "but warns" -- grep -q "warning: .*key.pem can be read by other users" "$err"

run "$PASSPORT" sign "$ck" --verdict pass
exits 3 "an existing signoff is kept without --force"
check "says --force" -- grep -q "[-]-force" "$err"

echo "changed" >>"$ck/config.json"
cp "$ck/SIGNOFF.json" "$WORK/before.json"
run "$PASSPORT" sign "$ck" --verdict pass --force
exits 1 "sign refuses a tree that does not match its passport"
check "and says which file" -- grep -q "^size mismatch: config.json" "$out"
check "and says it refused" -- grep -q "refusing to sign" "$err"
check "the old signoff is untouched" -- cmp "$ck/SIGNOFF.json" "$WORK/before.json"
done_testing
