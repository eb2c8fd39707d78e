#!/usr/bin/env python3
"""wandbfile.py - an independent producer and reader of W&B .wandb files.

The C code under test (lib/wandb_*.c) is checked against this script, which
shares none of its code: records are encoded here byte by byte (protobuf
varints and length-delimited fields by hand), framed into 32 KiB blocks by
hand, and checksummed with Python's zlib.crc32.

Where the numbers come from (W&B sources, github.com/wandb/wandb at
b6e29505884ea60c79ca12091f1f75bd39d2f955, summarised in
/work/shared/WANDB-FORMAT.md):
  - file header ":W&B", magic 0xBEE1 (LE), version 0; block 32768; chunk
    header crc32 LE | length u16 LE | type (FULL=1 FIRST=2 MIDDLE=3 LAST=4);
    CRC-32/IEEE over type byte + payload, unmasked (section 1; Python
    wandb/sdk/internal/datastore.py, Go core/pkg/leveldb).
  - Record fields (wandb/proto/wandb_internal.proto, section 2): num=1,
    history=2, summary=3, output=4, config=5, files=6, stats=7,
    artifact=8, telemetry=11, run=17, exit=18, final=20, header=21,
    footer=22.  RunRecord run_id=1 entity=2 project=3 display_name=8
    start_time=17 (Timestamp seconds=1).  RunExitRecord exit_code=1
    runtime=2.  HistoryRecord item=1 step=2 (HistoryStep num=1),
    HistoryItem key=1 nested_key=2 value_json=16.  OutputRecord
    output_type=1 line=3.  HeaderRecord version_info=1 (producer=1).
    ArtifactRecord type=4 name=5 manifest=12; ArtifactManifest contents=4;
    ArtifactManifestEntry path=1 local_path=6.

Usage:
  wandbfile.py write OUT [options]   build a file (see --help)
  wandbfile.py read FILE             verify and summarise as JSON
  wandbfile.py corpus DIR N          N small offline runs for benchmarks
"""

import argparse
import json
import os
import struct
import sys
import time
import zlib

BLOCK = 32768
HDR = 7
HEADER = b":W&B" + struct.pack("<HB", 0xBEE1, 0)
FULL, FIRST, MIDDLE, LAST = 1, 2, 3, 4

# ---------------------------------------------------------------- protobuf


def varint(n):
    if n < 0:
        n += 1 << 64            # int32/int64 negatives: 10-byte two's complement
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def f_varint(field, value):
    return varint(field << 3 | 0) + varint(value)


def f_bytes(field, data):
    if isinstance(data, str):
        data = data.encode()
    return varint(field << 3 | 2) + varint(len(data)) + data


def record(field, body, num=0):
    return (f_varint(1, num) if num else b"") + f_bytes(field, body)


def rec_header(producer="0.19.0+test"):
    return record(21, f_bytes(1, f_bytes(1, producer)))


def rec_run(run_id, entity, project, start, name="synthetic"):
    body = f_bytes(1, run_id) + f_bytes(2, entity) + f_bytes(3, project)
    body += f_bytes(8, name) + f_bytes(17, f_varint(1, start))
    return record(17, body)


def rec_history(step, value, legacy=False):
    if legacy:      # Python SDK style: "_step" item with key, no step field
        items = f_bytes(1, f_bytes(1, "_step") + f_bytes(16, str(step)))
        items += f_bytes(1, f_bytes(1, "loss") + f_bytes(16, repr(value)))
        return record(2, items)
    item = f_bytes(2, "loss") + f_bytes(16, repr(value))
    return record(2, f_bytes(1, item) + f_bytes(2, f_varint(1, step)))


def rec_output(line):
    return record(4, f_varint(1, 1) + f_bytes(3, line))


def rec_summary(key, value_json):
    return record(3, f_bytes(1, f_bytes(1, key) + f_bytes(16, value_json)))


def rec_artifact(name, local_paths):
    man = b"".join(f_bytes(4, f_bytes(1, os.path.basename(p)) + f_bytes(6, p))
                   for p in local_paths)
    return record(8, f_bytes(4, "model") + f_bytes(5, name) + f_bytes(12, man))


def rec_exit(code, runtime):
    return record(18, f_varint(1, code) + f_varint(2, runtime))


def rec_empty(field):
    return record(field, b"")

# ---------------------------------------------------------------- framing


def crc(kind, payload):
    return zlib.crc32(payload, zlib.crc32(bytes([kind]))) & 0xFFFFFFFF


def chunk(kind, payload):
    return struct.pack("<IHB", crc(kind, payload), len(payload), kind) + payload


class Writer:
    """Lays records out as W&B's writers do (WANDB-FORMAT.md section 1)."""

    def __init__(self):
        self.buf = bytearray(HEADER)

    def left(self):
        return BLOCK - len(self.buf) % BLOCK

    def add(self, data):
        if self.left() < HDR:
            self.buf += bytes(self.left())
        first = True
        while True:
            room = self.left() - HDR
            if len(data) <= room:
                self.buf += chunk(FULL if first else LAST, data)
                return
            self.buf += chunk(FIRST if first else MIDDLE, data[:room])
            data = data[room:]
            first = False

    def filler_to(self, left_wanted):
        """Add one output record so that exactly left_wanted bytes remain
        in the current block afterwards."""
        room = self.left() - HDR - left_wanted
        n = max(room - 16, 0)
        while len(rec_output("x" * n)) < room:
            n += 1
        while len(rec_output("x" * n)) > room:
            n -= 1
        rec = rec_output("x" * n)
        if len(rec) != room:
            raise SystemExit("cannot hit %d bytes left exactly" % left_wanted)
        self.add(rec)

# ---------------------------------------------------------------- reading


def read_varint(b, i):
    shift = n = 0
    while True:
        if i >= len(b) or shift > 63:
            raise ValueError("bad varint")
        c = b[i]
        i += 1
        n |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return n, i


def fields(b):
    """(field, wiretype, value) of one message level."""
    i = 0
    while i < len(b):
        key, i = read_varint(b, i)
        f, wt = key >> 3, key & 7
        if wt == 0:
            v, i = read_varint(b, i)
        elif wt == 2:
            n, i = read_varint(b, i)
            if i + n > len(b):
                raise ValueError("truncated field")
            v, i = b[i:i + n], i + n
        elif wt == 1:
            v, i = b[i:i + 8], i + 8
        elif wt == 5:
            v, i = b[i:i + 4], i + 4
        else:
            raise ValueError("wire type %d" % wt)
        yield f, wt, v


def signed32(v):
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v >= 1 << 31 else v


KINDS = {2: "history", 3: "summary", 4: "output", 5: "config", 6: "files",
         7: "stats", 8: "artifact", 11: "telemetry", 12: "metric", 17: "run",
         18: "exit", 20: "final", 21: "header", 22: "footer"}


def summarise_record(payload, out):
    for f, wt, v in fields(payload):
        if f in (1, 16, 19, 200):
            continue
        kind = KINDS.get(f, "other")
        out["kinds"][kind] = out["kinds"].get(kind, 0) + 1
        if f == 17:
            for g, _, w in fields(v):
                if g in (1, 2, 3):
                    key = {1: "run_id", 2: "entity", 3: "project"}[g]
                    out.setdefault(key, w.decode())
                elif g == 17:
                    out["start_time"] = dict((h, x) for h, _, x in fields(w)).get(1, 0)
        elif f == 18:
            d = dict((g, w) for g, _, w in fields(v))
            out["exit_code"] = signed32(d.get(1, 0))
            out["runtime"] = signed32(d.get(2, 0))
        elif f == 2:
            step = None
            for g, _, w in fields(v):
                if g == 2:
                    step = dict((h, x) for h, _, x in fields(w)).get(1, 0)
                elif g == 1 and step is None:
                    item = dict((h, x) for h, _, x in fields(w))
                    if item.get(1) == b"_step":       # legacy Python SDK
                        step = int(item.get(16, b"0"))
            if step is not None:
                out["last_step"] = max(out.get("last_step", step), step)
        return


def read(path):
    data = open(path, "rb").read()
    out = {"size": len(data), "records": 0, "kinds": {}, "end": "clean",
           "valid_until": 0}
    if len(data) == 0:
        out["end"] = "empty"
        return out
    if data[:HDR] != HEADER:
        out["end"] = "bad-header"
        return out
    pos = HDR
    out["valid_until"] = HDR
    pending = None
    while pos < len(data):
        left = BLOCK - pos % BLOCK
        if left < HDR:
            pos += left
            continue
        if len(data) - pos < HDR:
            out["end"] = "torn"
            break
        c, n, kind = struct.unpack_from("<IHB", data, pos)
        body = data[pos + HDR:pos + HDR + n]
        if HDR + n > left or kind not in (FULL, FIRST, MIDDLE, LAST):
            out["end"] = "corrupt"
            out["error_offset"] = pos
            break
        if len(body) < n:
            out["end"] = "torn"
            break
        if crc(kind, body) != c:
            out["end"] = "corrupt" if pos + HDR + n < len(data) else "torn"
            out["error_offset"] = pos
            break
        pos += HDR + n
        if kind == FULL:
            if pending is not None:
                out["end"] = "corrupt"
                break
            complete = body
        elif kind == FIRST:
            if pending is not None:
                out["end"] = "corrupt"
                break
            pending = bytearray(body)
            continue
        else:
            if pending is None:
                out["end"] = "corrupt"
                break
            pending += body
            if kind == MIDDLE:
                continue
            complete, pending = bytes(pending), None
        out["records"] += 1
        out["valid_until"] = pos
        summarise_record(complete, out)
    if out["end"] == "clean" and pending is not None:
        out["end"] = "torn"
    return out

# ---------------------------------------------------------------- building


def build(args):
    w = Writer()
    w.add(rec_header())
    w.add(rec_run(args.run_id, args.entity, args.project, args.start))
    for p in args.staged:
        w.add(rec_artifact("ckpt", [p]))
    if args.seven_left:
        w.filler_to(7)
    if args.three_left:
        w.filler_to(3)
    if args.big:
        w.add(rec_output("y" * args.big))
    for s in range(args.steps):
        w.add(rec_history(s, 1.0 / (s + 1), legacy=args.legacy_steps))
    w.add(rec_summary("loss", "0.5"))
    if args.end_left is not None:
        w.filler_to(args.end_left)
    if args.exit is not None:
        w.add(rec_exit(args.exit, args.runtime))
        w.add(rec_empty(20))
        w.add(rec_empty(22))
    data = bytearray(w.buf)
    if args.corrupt_offset:
        # flip a payload byte of the chunk at or after the given offset
        data[args.corrupt_offset + HDR] ^= 0xFF
    if args.truncate:
        del data[len(data) - args.truncate:]
    if args.bad_header:
        data[0:4] = b"XW&B"
    if args.empty:
        data = bytearray()
    return bytes(data)


def write(args):
    data = build(args)
    with open(args.out, "xb") as f:
        f.write(data)
    if args.print_offsets:
        print(json.dumps({"size": len(data)}))


def corpus(root, n):
    """n offline runs, spread over 100 run-log state dirs, for benchmarks."""
    t0 = 1767225600
    for i in range(n):
        g, stem = "g%d" % (i % 10), "stem%d" % (i // 10 % 10)
        rid = "r%07d" % i
        t = time.gmtime(t0 + i)
        d = os.path.join(root, ".exp-log", "runs", g, stem, "wandb",
                         "offline-run-%s-%s" % (time.strftime("%Y%m%d_%H%M%S", t), rid))
        for sub in ("files/media", "logs", "tmp/code"):
            os.makedirs(os.path.join(d, sub), exist_ok=True)
        w = Writer()
        w.add(rec_header())
        w.add(rec_run(rid, "bench", "proj", t0 + i))
        for s in range(3):
            w.add(rec_history(s, 0.5))
        if i % 2:
            w.add(rec_exit(0, 60))
        with open(os.path.join(d, "run-%s.wandb" % rid), "wb") as f:
            f.write(w.buf)
        with open(os.path.join(d, "files", "config.yaml"), "w") as f:
            f.write("lr: 0.001\n")
        with open(os.path.join(d, "logs", "debug.log"), "w") as f:
            f.write("log\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write")
    w.add_argument("out")
    w.add_argument("--run-id", default="abc123xy")
    w.add_argument("--entity", default="team")
    w.add_argument("--project", default="proj")
    w.add_argument("--start", type=int, default=1767225600)
    w.add_argument("--steps", type=int, default=5)
    w.add_argument("--legacy-steps", action="store_true")
    w.add_argument("--exit", type=int)
    w.add_argument("--runtime", type=int, default=60)
    w.add_argument("--big", type=int, default=0,
                   help="add an output record with this many bytes")
    w.add_argument("--seven-left", action="store_true",
                   help="leave exactly 7 bytes in block 0 before the next record")
    w.add_argument("--three-left", action="store_true",
                   help="leave 3 bytes in block 0 (zero padding follows)")
    w.add_argument("--end-left", type=int,
                   help="end the file with exactly this many bytes left in its block")
    w.add_argument("--staged", action="append", default=[],
                   help="artifact record whose manifest names this local path")
    w.add_argument("--corrupt-offset", type=int, default=0)
    w.add_argument("--truncate", type=int, default=0)
    w.add_argument("--bad-header", action="store_true")
    w.add_argument("--empty", action="store_true")
    w.add_argument("--print-offsets", action="store_true")
    r = sub.add_parser("read")
    r.add_argument("file")
    r.add_argument("--kv", action="store_true",
                   help="key=value lines, as tests/wandb/wandb-tool dump prints")
    c = sub.add_parser("corpus")
    c.add_argument("root")
    c.add_argument("n", type=int)
    o = sub.add_parser("offsets", help="chunk offsets of a file, one per line")
    o.add_argument("file")
    a = ap.parse_args()
    if a.cmd == "write":
        write(a)
    elif a.cmd == "read":
        out = read(a.file)
        if not a.kv:
            print(json.dumps(out, sort_keys=True))
            return
        for k in ("end", "size", "valid_until", "records", "run_id", "entity",
                  "project", "start_time", "exit_code", "runtime", "last_step"):
            if k in out:
                print("%s=%s" % (k, out[k]))
        for k in sorted(out["kinds"]):
            print("kind.%s=%d" % (k, out["kinds"][k]))
    elif a.cmd == "corpus":
        corpus(a.root, a.n)
    else:
        data = open(a.file, "rb").read()
        pos = HDR
        while pos + HDR <= len(data):
            left = BLOCK - pos % BLOCK
            if left < HDR:
                pos += left
                continue
            _, n, kind = struct.unpack_from("<IHB", data, pos)
            print(pos, kind, n)
            pos += HDR + n


if __name__ == "__main__":
    main()
