#!/usr/bin/env python3
"""Medians of scripts/bench/compare.sh results: one markdown table row per case and server.

usage: scripts/bench/summarize.py bench-results/results.jsonl
"""
import json
import statistics
import sys
from collections import defaultdict


def get(d, path):
    # keys are separated by '/' where a key holds a dot (p99.9), else by '.'
    for key in (path.split('/') if '/' in path else path.split('.')):
        if not isinstance(d, dict) or key not in d or d[key] is None:
            return None
        d = d[key]
    return d


# what each case reports: (label, json path, format)
FIELDS = {
    'throughput': [('msgs/s', 'deliveredPerSec', '{:,.0f}'), ('p50 ms', 'latencyMs.p50', '{:.1f}'), ('p99 ms', 'latencyMs.p99', '{:.1f}')],
    'latency': [('achieved/s', 'achievedPerSec', '{:,.0f}'), ('p50 ms', 'latencyMs.p50', '{:.2f}'), ('p99 ms', 'latencyMs.p99', '{:.2f}'),
                ('p99.9 ms', 'latencyMs/p99.9', '{:.2f}'), ('max ms', 'latencyMs.max', '{:.1f}'), ('undelivered', 'undelivered', '{:.0f}')],
    'idle': [('handshakes/s', 'handshakesPerSec', '{:,.0f}'), ('KiB/socket', 'serverMemory.perSocketKiB', '{:.2f}'),
             ('marginal KiB/socket', 'serverMemory.marginalPerSocketKiB', '{:.2f}'),
             ('connected', 'connect.connected', '{:,.0f}'), ('p50 handshake ms', 'connect.handshakeMs.p50', '{:.1f}')],
    'distinct': [('handshakes/s', 'handshakesPerSec', '{:,.0f}'), ('KiB/socket', 'serverMemory.perSocketKiB', '{:.2f}'),
                 ('marginal KiB/socket', 'serverMemory.marginalPerSocketKiB', '{:.2f}'),
                 ('p50 handshake ms', 'connect.handshakeMs.p50', '{:.1f}'), ('p99 handshake ms', 'connect.handshakeMs.p99', '{:.1f}')],
    'presence': [('p50 ms', 'onlineLatencyMs.p50', '{:.1f}'), ('p99 ms', 'onlineLatencyMs.p99', '{:.1f}'),
                 ('missing', 'onlineReceipts.missing', '{:.0f}'), ('newcomers', 'newcomers.connected', '{:.0f}')],
}
CPU = [('bench', 'cpuPercent.bench'), ('server', 'cpuPercent.server'), ('postgres', 'cpuPercent.postgres')]


def kind(case):
    return case.split('-')[0]


def main(path):
    runs = defaultdict(list)
    order = []
    for line in open(path):
        line = line.strip()
        if not line:
            continue
        row = json.loads(line)
        key = (row['case'], row['server'])
        if key not in runs:
            order.append(key)
        runs[key].append(row['result'])
    for case in dict.fromkeys(c for c, _ in order):
        fields = FIELDS.get(kind(case), [])
        print(f"\n### {case}\n")
        header = ['server', 'runs'] + [f[0] for f in fields] + ['CPU % bench / server / postgres', 'errors']
        print('| ' + ' | '.join(header) + ' |')
        print('|' + '---|' * len(header))
        for server in ('chatctl', 'peer'):
            results = runs.get((case, server))
            if not results:
                continue
            cells = [server, str(len(results))]
            for _, p, fmt in fields:
                values = [get(r, p) for r in results if get(r, p) is not None]
                cells.append(fmt.format(statistics.median(values)) if values else '-')
            cpu = []
            for _, p in CPU:
                values = [get(r, p) for r in results if get(r, p) is not None]
                cpu.append('{:.0f}'.format(statistics.median(values)) if values else '-')
            cells.append(' / '.join(cpu))
            errors = sum(r.get('errorCount', 0) or 0 for r in results)
            failures = [r['failure'] for r in results if r.get('failure')]
            cells.append(str(errors) + (' (' + '; '.join(failures) + ')' if failures else ''))
            print('| ' + ' | '.join(cells) + ' |')
        each = {s: [get(r, fields[0][1]) for r in runs.get((case, s), [])] for s in ('chatctl', 'peer')} if fields else {}
        for s, values in each.items():
            if values:
                print(f"\n{s} {fields[0][0]} per run: " + ', '.join('-' if v is None else fields[0][2].format(v) for v in values))


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
