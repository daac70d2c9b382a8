#!/usr/bin/env python
"""How many threads should the demo's ESPCN training use? (prints figures; not a test)

Times ESPCN x3's training step as the demo runs it (batch 16, LR patches 24x24 -> HR 72x72, Y channel,
Adam, MSE: forward, loss, backward, step; the batch comes from memory) in a fresh process per
measurement, with ``OMP_NUM_THREADS`` = ``torch.set_num_threads`` = 1, then 2, ... interleaved
``--repeats`` times, so that a change in the machine's other load hits every thread count alike.
Each measurement is the median step time of ``--steps`` steps after a warm-up; printed are the per-round
figures and the median over rounds per thread count.

    .venv/bin/python benchmarks/bench_demo_threads.py [--threads 1 2] [--repeats 5] [--steps 60]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

CHILD = r'''
import json, statistics, sys, time
import torch
n, steps = int(sys.argv[1]), int(sys.argv[2])
torch.set_num_threads(n)
from srbench_plugins.espcn.espcn_arch import ESPCN
torch.manual_seed(0)
net = ESPCN(scale=3)
opt = torch.optim.Adam(net.parameters(), lr=2e-3)
x, y = torch.rand(16, 1, 24, 24), torch.rand(16, 1, 72, 72)
def step():
    opt.zero_grad(set_to_none=True)
    loss = torch.nn.functional.mse_loss(net(x), y)
    loss.backward()
    opt.step()
for _ in range(10):
    step()
ts = []
for _ in range(steps):
    t = time.perf_counter(); step(); ts.append(time.perf_counter() - t)
print(json.dumps(dict(threads=n, median_ms=1000 * statistics.median(ts))))
'''


def measure(n: int, steps: int) -> float:
    env = dict(os.environ, OMP_NUM_THREADS=str(n), MKL_NUM_THREADS=str(n))
    out = subprocess.run([sys.executable, '-c', CHILD, str(n), str(steps)], env=env, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])['median_ms']


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--threads', type=int, nargs='+', default=[1, 2])
    ap.add_argument('--repeats', type=int, default=5)
    ap.add_argument('--steps', type=int, default=60)
    a = ap.parse_args(argv)
    print(f'cpu_count={os.cpu_count()} loadavg={os.getloadavg()[0]:.2f} (start)')
    res: dict[int, list[float]] = {n: [] for n in a.threads}
    for r in range(a.repeats):
        row = []
        for n in a.threads:
            ms = measure(n, a.steps)
            res[n].append(ms)
            row.append(f'{n} thr {ms:6.2f} ms')
        print(f'round {r + 1}: ' + ', '.join(row) + f'  (load {os.getloadavg()[0]:.2f})', flush=True)
    print('median ms/step: ' + ', '.join(f'{n} thr {statistics.median(v):.2f}' for n, v in res.items()))
    print(f'loadavg={os.getloadavg()[0]:.2f} (end), {time.strftime("%Y-%m-%d %H:%M:%S")}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
