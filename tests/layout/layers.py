#!/usr/bin/env python3
"""The shape of lib/, checked (TAP): the libraries' dependencies run one
way (the order below, also in doc/architecture.md), no file-level include
cycle, no library file includes a CLI header, no .c file directly in lib/,
only the run store's layout code spells `.exp-log` paths, run-log keys
live in runstore/runlog_keys.h and run.json's keys in its codec,
runstore/run_record.c."""
import os
import re
import sys

ORDER = ['util', 'opts', 'watch', 'config', 'telemetry', 'wandb',
         'runstore', 'report', 'passport', 'job', 'sweep', 'cli']
# what each library may include besides itself (lower in ORDER is not
# enough: domain libraries stay independent of each other)
ALLOWED = {
    'util': [],
    'opts': ['util'],
    'watch': ['util'],
    'config': ['util', 'opts', 'watch'],
    'telemetry': ['util', 'opts'],
    'wandb': ['util'],
    'runstore': ['util', 'opts', 'watch', 'config', 'telemetry', 'wandb'],
    'report': ['util', 'watch', 'telemetry', 'runstore'],
    'passport': ['util', 'runstore'],
    'job': ['util', 'opts', 'watch', 'config', 'telemetry', 'wandb',
            'runstore', 'report'],
    'sweep': ['util', 'opts', 'runstore', 'job'],
    'cli': ['util'],
}
# the one place that names the state directory's paths
LAYOUT_FILES = {'lib/runstore/layout.c', 'lib/runstore/layout.h'}

top = sys.argv[1] if len(sys.argv) > 1 else '.'
lib = os.path.join(top, 'lib')
inc = re.compile(r'^#\s*include\s+"([^"]+)"', re.M)
n = 0
failed = 0


def ok(cond, name, detail=''):
    global n, failed
    n += 1
    print('%s %d - %s' % ('ok' if cond else 'not ok', n, name))
    if not cond:
        failed += 1
        for line in detail.splitlines():
            print('#   ' + line)


files = {}
for mod in ORDER:
    d = os.path.join(lib, mod)
    for f in sorted(os.listdir(d)):
        if f.endswith(('.c', '.h')):
            files['%s/%s' % (mod, f)] = open(os.path.join(d, f)).read()

loose = [f for f in os.listdir(lib) if f.endswith('.c')]
ok(not loose, 'no .c file directly in lib/', ' '.join(loose))
mods = sorted(m for m in os.listdir(lib)
              if os.path.isdir(os.path.join(lib, m)))
ok(mods == sorted(ORDER), 'the libraries are ' + ' '.join(ORDER),
   'found: ' + ' '.join(mods))

bad = []
cli = []
edges = {}
for path, text in files.items():
    mod = path.split('/')[0]
    for h in inc.findall(text):
        if '/' not in h:
            continue
        hm = h.split('/')[0]
        if hm not in ORDER:
            continue
        base = os.path.splitext(path)[0]
        # an edge to a header counts when a .c implements it: a file
        # that uses another file's functions
        if h[:-2] + '.c' in files:
            edges.setdefault(base, set()).add(os.path.splitext(h)[0])
        if hm == 'cli' and mod != 'cli':
            cli.append('%s includes %s' % (path, h))
        elif hm != mod and hm not in ALLOWED[mod]:
            bad.append('%s includes %s' % (path, h))
ok(not bad, 'library dependencies run one way', '\n'.join(bad))
ok(not cli, 'no library file includes a CLI header', '\n'.join(cli))

# file-level cycles: a .c/.h pair is one node
state = {}
cycle = []


def visit(u, stack):
    state[u] = 1
    stack.append(u)
    for v in sorted(edges.get(u, ())):
        if v == u:
            continue
        if state.get(v) == 1 and not cycle:
            cycle.extend(stack[stack.index(v):] + [v])
        elif v not in state:
            visit(v, stack)
    stack.pop()
    state[u] = 2


for u in sorted(edges):
    if u not in state:
        visit(u, [])
ok(not cycle, 'no file-level include cycle', ' -> '.join(cycle))

spelled = []
# a path literal (no spaces: help texts may name the directory)
pat = re.compile(r'"(%s)?/?\.exp-log[/"]|["/]run\.json"')
for root in ('lib', 'runlog', 'spank', 'wandb-sync', 'passport',
             'sbatch-wrappers'):
    for dp, _, fs in os.walk(os.path.join(top, root)):
        if '/test' in dp:
            continue
        for f in fs:
            if not f.endswith('.c'):
                continue
            p = os.path.relpath(os.path.join(dp, f), top)
            if p in LAYOUT_FILES:
                continue
            for i, line in enumerate(open(os.path.join(dp, f)), 1):
                if pat.search(line) and not line.lstrip().startswith(('/*', '*')):
                    spelled.append('%s:%d: %s' % (p, i, line.strip()))
ok(not spelled, '.exp-log paths and run.json are spelled only in runstore/layout.c',
   '\n'.join(spelled))
# run-log keys: spelled in runstore/runlog_keys.h only
keys = re.findall(r'^#define EXL_K_\w+ "([^"]+)"',
                  open(os.path.join(lib, 'runstore', 'runlog_keys.h')).read(),
                  re.M)
api = re.compile(r'(exl_doc_get_key|exl_doc_set_key|exl_doc_find_key|'
                 r'exl_doc_bullet_value|exl_owned_set|exl_owned_get)\([^;]*?'
                 r'"(' + '|'.join(re.escape(k) for k in keys) + r')"')
bullet = re.compile(r'"- (' + '|'.join(re.escape(k) for k in keys) + r'):')
literal = []
for root in ('lib', 'runlog', 'spank', 'wandb-sync', 'passport',
             'sbatch-wrappers'):
    for dp, _, fs in os.walk(os.path.join(top, root)):
        if '/test' in dp:
            continue
        for f in fs:
            if not f.endswith('.c'):
                continue
            p = os.path.relpath(os.path.join(dp, f), top)
            for i, line in enumerate(open(os.path.join(dp, f)), 1):
                t = line.lstrip()
                if t.startswith(('/*', '*')):
                    continue
                if bullet.search(line) or api.search(line):
                    literal.append('%s:%d: %s' % (p, i, line.strip()))
ok(keys and not literal,
   'run-log keys are spelled only in runstore/runlog_keys.h (%d keys)' %
   len(keys), '\n'.join(literal))

# run.json: its codec is the only code that opens it (the path comes from
# exl_layout_sidecar) and the only code that spells its keys
CODEC = 'lib/runstore/run_record.c'
rkeys = set(re.findall(r'^\s*\{ "(\w+)", T_\w+,',
                       open(os.path.join(top, CODEC)).read(), re.M))
# keys run.json shares with another format (the name alone can't tell
# them apart): the other owner of each
SHARED = {
    'branch': 'passport provenance', 'commit': 'passport provenance',
    'dirty': 'passport provenance', 'dataset': 'passport provenance',
    'bytes': 'exp-wandb-sync --json', 'files': 'passport manifest',
    'config': 'tracker events, passport provenance',
    'currency': 'exp-log.yaml, telemetry summary',
    'price_per_gpu_hour': 'telemetry summary',
    'telemetry': 'exp-log.yaml, telemetry summary',
    'nodes': 'telemetry summary', 'environment': 'exp-wandb-sync env',
    'end': 'exp-run.json, run index', 'start': 'exp-run.json, run data',
    'exit': 'exp-run.json', 'signal': 'signals.jsonl',
    'error': 'telemetry samples, unlogged records',
    'group': 'job index, tracker events', 'job_id': 'run index, events',
    'jobs': '.exp-log/jobs, exp-wandb-sync --json',
    'run_log': 'job index, run index, passport provenance',
    'state_dir': 'job index', 'objective': 'runlog new, model card',
    'run_type': 'run-log summary, passport provenance',
    'schema': 'passport and exp-wandb-sync JSON', 'script': 'runlog new',
    'sha256': 'passport manifest', 'path': 'passport manifest, --json',
    'submitted': 'evidence', 'task': 'runlog new',
    'user': 'passport signoff', 'verdict': 'passport signoff',
    'statepoints': 'runlog experiments/sweep --json, sbatch-exp --json',
    'git': 'the git program (runlog diff lists a commit range with it)',
}
opened = []
rlits = {}
for root in ('lib', 'runlog', 'spank', 'wandb-sync', 'passport',
             'sbatch-wrappers'):
    for dp, _, fs in os.walk(os.path.join(top, root)):
        if '/test' in dp:
            continue
        for f in fs:
            if not f.endswith('.c'):
                continue
            p = os.path.relpath(os.path.join(dp, f), top)
            if p == CODEC:
                continue
            for i, line in enumerate(open(os.path.join(dp, f)), 1):
                if line.lstrip().startswith(('/*', '*')):
                    continue
                if 'exl_layout_sidecar(' in line and p not in LAYOUT_FILES:
                    opened.append('%s:%d: %s' % (p, i, line.strip()))
                for k in re.findall(r'"(\w+)"', line):
                    if k in rkeys:
                        rlits.setdefault(k, []).append(
                            '%s:%d: %s' % (p, i, line.strip()))
ok(not opened, 'only the run.json codec (%s) opens run.json' % CODEC,
   '\n'.join(opened))
own = sorted(rkeys - set(SHARED))
spelled = [w for k in own for w in rlits.get(k, [])]
ok(len(own) > 20 and not spelled,
   "run.json's own keys are spelled only in its codec (%d keys)" % len(own),
   '\n'.join(spelled))
stale = ['%s (%s)' % (k, v) for k, v in sorted(SHARED.items())
         if k not in rkeys or k not in rlits]
ok(not stale, 'every key run.json shares is a run.json key another format '
   'still uses', 'drop from SHARED: ' + ', '.join(stale))
print('1..%d' % n)
sys.exit(1 if failed else 0)
