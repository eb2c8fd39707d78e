#!/bin/bash
# Bad input: escaping symlinks, special and unreadable files, name
# clashes, malformed YAML and JSON, many files.  Clear errors, exit 3,
# and never a partial passport.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

ck=$WORK/ck
make_ckpt "$ck"

ln -s ../../etc/passwd "$ck/evil"
run "$PASSPORT" generate "$ck"
exits 3 "symlink escaping the directory: exit 3"
check "names the link and its target" -- grep -q "evil: symlink leads outside the checkpoint (-> ../../etc/passwd)" "$err"
check "no passport written" -- test ! -e "$ck/MODEL_PASSPORT.json"
check "no temp file left" -- test "$(leftovers "$ck")" -eq 0
rm "$ck/evil"
ln -s /etc/passwd "$ck/abs"
run "$PASSPORT" generate "$ck"
exits 3 "absolute symlink: exit 3"
rm "$ck/abs"
ln -s . "$ck/here"
ln -s here/../outside "$ck/sneaky"
run "$PASSPORT" generate "$ck"
exits 3 "escape through a link to the directory itself: exit 3"
check "names it" -- grep -q "sneaky: symlink leads outside" "$err"
rm "$ck/here" "$ck/sneaky"

mkfifo "$ck/pipe"
run timeout 20 "$PASSPORT" generate "$ck"
exits 3 "FIFO: exit 3 (and no hang)"
check "names the FIFO" -- grep -q "pipe: is a FIFO, not a regular file" "$err"
check "no passport written" -- test ! -e "$ck/MODEL_PASSPORT.json"
rm "$ck/pipe"

# unreadable file: as root, drop to nobody for this one if we can
as_user=()
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	chmod 755 "$WORK"
	chmod -R a+rX "$ck"
fi
chmod 000 "$ck/config.json"
if [ "$(id -u)" -eq 0 ] && ! "${as_user[@]}" "$PASSPORT" --version >/dev/null 2>&1; then
	skip "unreadable file: exit 3" "root reads every file, and nobody cannot run $PASSPORT"
	skip "unreadable file: named" "root reads every file"
else
	run "${as_user[@]}" "$PASSPORT" generate "$ck"
	exits 3 "unreadable file: exit 3"
	check "unreadable file: named" -- grep -q "config.json: couldn't open: Permission denied" "$err"
fi
chmod 644 "$ck/config.json"

mkdir "$ck/MODEL_PASSPORT.json"
run "$PASSPORT" generate "$ck"
exits 3 "a directory where the passport goes: exit 3"
check "name clash explained" -- grep -q "MODEL_PASSPORT.json: exists and is not a regular file" "$err"
rmdir "$ck/MODEL_PASSPORT.json"

touch "$ck/bad
name"
run "$PASSPORT" generate "$ck"
exits 3 "newline in a file name: exit 3"
check "shown without the newline" -- grep -q "bad?name: unusable file name" "$err"
rm "$ck/bad
name"

printf 'inputs:\n  image: {shape: [3, 224]}\n  state: [1, 2\nlabels: x\n' >"$WORK/contract.yaml"
run "$PASSPORT" generate "$ck" --contract "$WORK/contract.yaml"
exits 3 "malformed YAML contract: exit 3"
check "error names the file and line" -- grep -q "contract.yaml:4:[0-9]*: " "$err"
check "no passport written" -- test ! -e "$ck/MODEL_PASSPORT.json"
printf 'a: 1\nb: 2\na: 3\n' >"$WORK/dup.yaml"
run "$PASSPORT" generate "$ck" --contract "$WORK/dup.yaml"
exits 3 "duplicate key: exit 3"
check "duplicate key named with its line" -- grep -q "dup.yaml:3: duplicate key 'a'" "$err"
run "$PASSPORT" generate "$ck" --contract "$WORK/none.yaml"
exits 3 "missing contract: exit 3"
printf '# notes\n- just: a list\n' >"$WORK/notes.md"
run "$PASSPORT" generate "$ck" --run "$WORK/notes.md"
exits 3 "a file that is no run log: exit 3"
check "says so" -- grep -q "notes.md: not an exp-log run log" "$err"

run "$PASSPORT" generate "$ck" -q
exits 0 "clean tree: generate"
cp "$ck/MODEL_PASSPORT.json" "$WORK/good.json"
head -c 200 "$WORK/good.json" >"$ck/MODEL_PASSPORT.json"
run "$PASSPORT" verify "$ck"
exits 1 "truncated passport: exit 1"
check "says it is not JSON" -- grep -q "^passport: .*MODEL_PASSPORT.json: invalid JSON" "$out"
sed 's|"path": "config.json"|"path": "../config.json"|' "$WORK/good.json" >"$ck/MODEL_PASSPORT.json"
run "$PASSPORT" verify "$ck"
exits 1 "passport with a '..' path: exit 1"
check "refused before any open" -- grep -q "bad path: '.' or '..' component" "$out"
ln -sf "$WORK/good.json" "$ck/MODEL_PASSPORT.json"
run "$PASSPORT" verify "$ck"
exits 1 "passport that is a symlink: exit 1"
check "not followed" -- grep -q "is a symlink, refusing to follow it" "$out"
rm "$ck/MODEL_PASSPORT.json"

many=$WORK/many
mkdir -p "$many/shards"
(cd "$many/shards" && seq -f 'part-%05g.bin' 1 20000 | xargs touch)
run "$PASSPORT" generate "$many"
exits 0 "20000 files: generate"
check "all of them" -- grep -q "20000 files" "$out"
run "$PASSPORT" verify "$many"
exits 0 "20000 files: verify"
rm "$many/shards/part-12345.bin"
run "$PASSPORT" verify "$many"
exits 1 "one of 20000 missing: exit 1"
check "one line for it, one summary" -- test "$(wc -l <"$out")" -eq 2
done_testing
