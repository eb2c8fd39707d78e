#!/usr/bin/env python3
# readme-table.py REC.json...: README's Performance table (markdown, one
# column per run) from bench/all's JSON records, a goal's missed figures
# in bold and a verdict per row.
#
#   python3 bench/readme-table.py bench/results/A.json bench/results/B.json
import json, sys
recs = [json.load(open(p)) for p in sys.argv[1:]]
figs = [{f['name']: f for f in r['figures']} for r in recs]
def v(i, n, fmt='%.2f', suf=''):
    f = figs[i].get(n)
    if not f: return '-'
    s = (fmt % f['value']) + suf
    return '**' + s + '**' if f['verdict'] == 'FAIL' else s
def verdict(names):
    fails = [(i, n) for i in range(len(recs)) for n in names if figs[i].get(n, {}).get('verdict') == 'FAIL']
    return 'ok' if not fails else 'FAIL in run ' + ', '.join(sorted(set(str(i + 1) for i, _ in fails)))
rows = []
def row(label, names, cell, goal):
    rows.append('| %s | %s | %s | %s |' % (label, ' | '.join(cell(i) for i in range(len(recs))), goal, verdict(names) if goal else ''))
shapes = ['shards', 'big', 'small', 'mix']
n = ['passport.%s.%s_vs_openssl' % (s, k) for s in shapes for k in ('gen', 'verify')]
row('passport generate / verify vs `openssl dgst`: 8 shards, one 2 GiB file, 10,000 small files, mix', n,
    lambda i: ', '.join('%s / %s' % (v(i, 'passport.%s.gen_vs_openssl' % s), v(i, 'passport.%s.verify_vs_openssl' % s)) for s in shapes), '≤ 1x')
n = ['passport.big.gen_of_speed', 'passport.big.verify_of_speed']
row("one big file vs one core's `openssl speed -elapsed` (generate / verify)", n, lambda i: '%s / %s' % (v(i, n[0], suf='x'), v(i, n[1], suf='x')), '≥ 0.95x')
n = ['passport.shards.gen_of_speed', 'passport.shards.verify_of_speed']
row("8 shards vs 2 cores' `openssl speed -elapsed`", n, lambda i: '%s / %s' % (v(i, n[0], suf='x'), v(i, n[1], suf='x')), '≥ 0.92x')
n = ['passport.cold.gen_vs_cat', 'passport.cold.verify_vs_cat']
row('8 shards cold, from disk, vs `cat` of the same files (generate / verify)', n, lambda i: '%s / %s' % (v(i, n[0], suf='x'), v(i, n[1], suf='x')), '≤ 1.05x')
row("cold: `cat` rate; `cat`'s own spread, (slowest - fastest) / median; `dd iflag=direct` rate; verify CPU time; verify max resident memory", [], lambda i: '%s MiB/s; %s; %s MiB/s; %s s; %s MiB' % (v(i, 'passport.cold.cat_mib_s', '%.0f'), v(i, 'passport.cold.cat_spread'), v(i, 'passport.cold.direct_mib_s', '%.0f'), v(i, 'passport.cold.verify_cpu_s'), v(i, 'passport.cold.verify_maxrss_mib', '%.1f')), '')
n = ['passport.big.gen_maxrss_mib']
row('passport max resident memory, one big file', n, lambda i: v(i, n[0], '%.1f', ' MiB'), '≤ 32 MiB')
t = ['1000', '10000', '100000']
n = ['runlog.status_vs_squeue.' + x for x in t]
row('`runlog status` / squeue, 1k / 10k / 100k run logs', n, lambda i: ' / '.join(v(i, x, suf='x') for x in n), '≤ 1.25x')
n = ['runlog.acct.status_vs_squeue.10000']
row('`runlog status` / squeue, 10k, real accounting', n, lambda i: v(i, n[0], suf='x'), '≤ 1.25x')
n = ['runlog.all_vs_find.' + x for x in t]
row('`runlog status --all` / `find -printf`, 1k / 10k / 100k', n, lambda i: ' / '.join(v(i, x, suf='x') for x in n), '≤ 1.5x')
n = ['runlog.all_noquery_vs_find.' + x for x in t]
row('`--all` with no scheduler query / `find`, 1k / 10k / 100k', [], lambda i: ' / '.join(v(i, x, suf='x') for x in n), '')
row('`runlog status --all` at 1k: `--all` / `find` (ms)', [], lambda i: '%s / %s' % (v(i, 'runlog.status_all_ms.1000', '%.1f'), v(i, 'runlog.find_ms.1000', '%.1f')), '')
n = ['runlog.acct.all_vs_find.10000']
row('`--all` / `find`, 10k, real accounting', n, lambda i: v(i, n[0], suf='x'), '≤ 1.5x')
n = ['runlog.status_growth.1000-100000']
row('default view growth, 1k -> 100k', n, lambda i: v(i, n[0], suf='x'), '≤ 1.25x')
n = ['wandb.list_vs_find.' + x for x in t]
row('`exp-wandb-sync list --paths` / `find -name`, 1k / 10k / 100k', n, lambda i: ' / '.join(v(i, x, suf='x') for x in n), '≤ 1x')
n = ['plugin.loaded_vs_none']
row('`srun true` with exp_log.so loaded', n, lambda i: v(i, n[0], suf='x'), '≤ 1.05x')
n = ['plugin.exp_log_vs_none']
row('`srun --exp-log true`', n, lambda i: v(i, n[0], suf='x'), '≤ 1.25x')
if any(figs[i].get('plugin.floor_vs_none') for i in range(len(recs))):
    row('`srun` with the floor (`--floor-log`, bench/floor_log.c) / from a git repository with `--exp-log`', [], lambda i: '%s / %s' % (v(i, 'plugin.floor_vs_none', suf='x'), v(i, 'plugin.git_vs_none', suf='x')), '')
n = ['start.slow_facts_vs_plain']
if any(figs[i].get(n[0]) for i in range(len(recs))):
    row('a batch job\'s start from a 10,000-file git repository with changes and a hashed 256 MiB dataset vs from a plain directory (plain / repository ms)', n,
        lambda i: '%s (%s / %s)' % (v(i, n[0], suf='x'), v(i, 'start.plain_ms', '%.1f'), v(i, 'start.slow_facts_ms', '%.1f')) if figs[i].get(n[0]) else '-', '≤ 1.25x')
for a in ('100', '500', '1000'):
    n = ['array.%s.exp_log_vs_none' % a]
    if not any(figs[i].get(n[0]) for i in range(len(recs))): continue
    row('%s-task array, `--exp-log` vs plain (plain / `--exp-log` wall)' % a, n,
        lambda i, a=a, n=n: '%s (%.2f / %.2f s)' % (v(i, n[0], suf='x'), figs[i]['array.%s.plain_ms' % a]['value'] / 1000, figs[i]['array.%s.exp_log_ms' % a]['value'] / 1000) if figs[i].get(n[0]) else '-', '≤ 1.1x')
    row('CPU time per %s-array task, plain / `--exp-log` (whole machine)' % a, [],
        lambda i, a=a: '%s / %s ms' % (v(i, 'array.%s.cpu_ms_per_task_plain' % a, '%.1f'), v(i, 'array.%s.cpu_ms_per_task_exp_log' % a, '%.1f')) if figs[i].get('array.%s.plain_ms' % a) else '-', '')
    row('%s-task array, the floor (`--floor-log`, bench/floor_log.c) vs plain; its CPU per task' % a, [],
        lambda i, a=a: '%s; %s ms' % (v(i, 'array.%s.floor_vs_none' % a, suf='x'), v(i, 'array.%s.cpu_ms_per_task_floor' % a, '%.1f')) if figs[i].get('array.%s.floor_vs_none' % a) else '-', '')
print('| figure | ' + ' | '.join('run %d' % (i + 1) for i in range(len(recs))) + ' | goal | verdict |')
print('|---|' + '---|' * len(recs) + '---|---|')
print('\n'.join(rows))
