#!/bin/bash
# exp-wandb-sync slim: only artifact staging/cache data goes, and never
# what an unsynced run or the run log's checkpoints still need.
. "${WANDB_TESTS_SRC:-.}/lib.sh"
. "$WANDB_TESTS_SRC/corpus.sh"

command -v "$PY" >/dev/null 2>&1 || skip_all "python3 not found (builds the corpus)"
make_corpus "$T/c"
C=$T/c
W=$C/rl/.exp-log/runs/g1/2026-01-01_train/wandb
B=$W/offline-run-20260101_003140-blt00006
STG=$W/data/artifacts/staging

# everything but the removable data, to prove it stays byte for byte
snapshot() {
	(cd "$C" && find . -type f ! -path '*/artifacts/*' -exec sha256sum {} + | sort)
}
snapshot >"$T/before"
find "$C" -type f | sort >"$T/all-before"

esync slim "$B"
check "dry run: exit 0" eq "$rc" 0
check "dry run: says nothing was removed" out_has "dry run: nothing removed"
check "dry run: every file still there" sh -c "find '$C' -type f | sort | cmp -s - '$T/all-before'"
check "dry run: stg-b (unreferenced) would go" grep -q "remove .*artifact staging .*stg-b" "$T/out"
check "dry run: stg-a (staged by this synced run) would go" grep -q "remove .*staging/stg-a" "$T/out"
check "dry run: the cache would go" grep -q "remove .*artifact cache .*obj/md5/" "$T/out"
check "dry run: staging inside the run would go" grep -q "remove .*artifacts/staging/inner" "$T/out"
check "dry run: stg-u kept for the unsynced run" grep -q "keep .*staging/stg-u" "$T/out"
check "dry run: and says why" out_has "run unf00002 is not synced yet and needs it to upload an artifact"
check "dry run: the checkpoint is kept" grep -q "keep .*staging/ckpt.pt" "$T/out"
check "dry run: and says why" out_has "named as a checkpoint in $C/rl/g1/2026-01-01_train.md"

esync slim --json "$B"
check "json: exit 0" eq "$rc" 0
check "json: dry run" eq "$(jget 'd["dry_run"]')" true
check "json: removable bytes (200000+300000+50000+10000)" \
	eq "$(jget 'd["runs"][0]["removable_bytes"]')" 560000
check "json: kept bytes (40000+60000)" eq "$(jget 'd["runs"][0]["kept_bytes"]')" 100000
check "json: 6 items" eq "$(jget 'len(d["runs"][0]["items"])')" 6
check "json: no media, history or config among them" \
	eq "$(jget 'any(("files/" in i["path"]) or i["path"].endswith(".wandb") for i in d["runs"][0]["items"])')" false

esync slim --yes "$B"
check "--yes: exit 0" eq "$rc" 0
check "--yes: says how much" out_has "removed 546.9 KiB"
check "--yes: stg-a gone" test ! -e "$STG/stg-a"
check "--yes: stg-b gone" test ! -e "$STG/stg-b"
check "--yes: cache gone" test ! -e "$W/cache/artifacts/obj/md5"
check "--yes: inner staging gone" test ! -e "$B/artifacts/staging/inner"
check "--yes: stg-u kept" test -e "$STG/stg-u"
check "--yes: checkpoint kept" test -e "$STG/ckpt.pt"
check "--yes: every other file untouched, byte for byte" \
	sh -c "cd '$C' && find . -type f ! -path '*/artifacts/*' -exec sha256sum {} + | sort | cmp -s - '$T/before'"
check "--yes: the staging directory itself stays" test -d "$STG"

esync slim --yes "$B"
check "second run: nothing left to remove" out_has "removed 0 B"

esync slim --include-unsynced "$B"
check "--include-unsynced: stg-u would go" grep -q "remove .*staging/stg-u" "$T/out"
check "--include-unsynced: with a warning" out_has "warning: run unf00002 is not synced: its artifact upload will fail"
check "--include-unsynced: the checkpoint still kept" grep -q "keep .*staging/ckpt.pt" "$T/out"

# a symlink planted in the staging area is never followed or removed
mkdir -p "$T/victim"
echo precious >"$T/victim/data"
ln -s "$T/victim" "$STG/planted"
esync slim --yes --include-unsynced "$B"
check "symlink in staging: target untouched" test -e "$T/victim/data"
check "symlink in staging: link itself left" test -L "$STG/planted"
check "--include-unsynced --yes: stg-u gone" test ! -e "$STG/stg-u"

# a plain W&B directory: staging next to the runs, no run log
P=$C/wandb/offline-run-20260102_000000-plain007
mkdir -p "$C/wandb/artifacts/staging"
head -c 1000 /dev/zero >"$C/wandb/artifacts/staging/left-over"
esync slim --yes "$P"
check "plain wandb dir: left-over staging removed" test ! -e "$C/wandb/artifacts/staging/left-over"
# a run directory whose parent is not a W&B directory: never look around it
mkdir -p "$T/home/artifacts/staging"
cp -R "$P" "$T/home/"
head -c 1000 /dev/zero >"$T/home/artifacts/staging/global"
esync slim --yes "$T/home/offline-run-20260102_000000-plain007"
check "parent not a W&B dir: nothing outside the run touched" test -e "$T/home/artifacts/staging/global"

esync slim "$T/nope"
check "missing run: exit 3" eq "$rc" 3

done_testing
