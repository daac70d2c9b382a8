#!/usr/bin/env python
"""Speed of srbench's whole evaluation, side by side with a BasicSR-style script written here.

Each task runs as its own process, as a user runs it, timed from outside (wall seconds) with its peak RSS
and CPU seconds (user + sys; ``os.wait4``'s rusage of that child); the runs are interleaved (A, B, A, B,
...) and repeated, and the table gives medians:

* ``srbench``: ``tools/test.py`` on ``configs/bicubic_x234.py`` (Set5, Set14, BSD100, Urban100 at x2, x3,
  x4) with PSNR + SSIM (IFC off) with an empty on-disk cache (``srbench.utils.cache`` in a temporary
  ``$SRBENCH_CACHE_DIR``: cold), again with the cache that run filled (warm), warm on one thread
  (``SRBENCH_THREADS=1``: no metric thread, no kernel halves in parallel), and with IFC (warm);
* ``reference``: a BasicSR-style script (``--worker reference``, in this file): images read with OpenCV,
  mod-cropped, MATLAB bicubic imresize as a plain loop over output lines with per-pixel weights (on uint8
  images: rounded after each dimension, as MATLAB does), Y = 16 + (65.481 R + 128.553 G + 24.966 B) / 255 not
  rounded, border = scale cropped, PSNR and SSIM by their published formulas (SSIM's 11×11 Gaussian window
  by ``cv2.filter2D``), the same numbers within ~0.01 dB (srbench rounds Y, as MATLAB does);
* ``network``: VDSR x2 (random weights) on Set5 + Set14 through ``tools/test.py`` against a bare loop
  (``--worker bare``) on the same network, weights and inputs (srbench's transforms and metric functions,
  no runner, no data loader).

OMP_NUM_THREADS=1 on every side (set here). The machine's load average is printed with the table: a
shared machine gives noisy numbers, so compare the ratios of interleaved runs, not the seconds.

    .venv/bin/python benchmarks/bench_eval.py [--repeats 3] [--sets Set5 Set14 ...] [--no-ifc]
        [--no-network] [--markdown] [--readme NAME]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SETS = ['Set5', 'Set14', 'BSD100', 'Urban100']
SCALES = [2, 3, 4]


# ------------------------------------------------------------------------------------------------ timing
def run_timed(cmd, env=None, cache_dir=None) -> dict:
    """Run ``cmd``; wall seconds, CPU seconds (user + sys of that process and the children it waited
    for, from ``os.wait4``'s rusage: steadier than wall time on a shared machine), peak RSS (GB), output."""
    env = dict(os.environ if env is None else env)
    env['OMP_NUM_THREADS'] = '1'
    if cache_dir is not None:
        env['SRBENCH_CACHE_DIR'] = str(cache_dir)
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=str(REPO))
    out = p.stdout.read().decode(errors='replace')
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode:
        raise SystemExit(f'{" ".join(map(str, cmd))} failed ({p.returncode}):\n{out[-3000:]}')
    return dict(wall=wall, cpu=ru.ru_utime + ru.ru_stime, rss_gb=ru.ru_maxrss / 1024 ** 2, out=out)


def load_avg() -> str:
    return ' '.join(f'{x:.2f}' for x in os.getloadavg())


# ------------------------------------------------------------------------------------------ the reference
def _cubic(x):
    import numpy as np
    ax = np.abs(x)
    return ((1.5 * ax ** 3 - 2.5 * ax ** 2 + 1) * (ax <= 1)
            + (-0.5 * ax ** 3 + 2.5 * ax ** 2 - 4 * ax + 2) * ((ax > 1) & (ax <= 2)))


def _weights(n_in, n_out, scale):
    """Per output index: (input indices, weights) of MATLAB's bicubic imresize (antialiased when
    shrinking, symmetric padding, weights normalised), one output index at a time."""
    import numpy as np
    width = 4.0 / scale if scale < 1 else 4.0
    lines = []
    for i in range(1, n_out + 1):
        u = i / scale + 0.5 * (1 - 1 / scale)
        left = math.floor(u - width / 2)
        idx = np.arange(left, left + math.ceil(width) + 2)
        d = u - idx
        w = scale * _cubic(scale * d) if scale < 1 else _cubic(d)
        keep = w != 0
        idx, w = idx[keep] - 1, w[keep] / w[keep].sum()
        idx = np.where(idx < 0, -idx - 1, idx)
        idx = np.where(idx >= n_in, 2 * n_in - 1 - idx, idx)
        lines.append((idx, w))
    return lines


def ref_imresize(img, scale):
    """MATLAB bicubic imresize of an H×W×C image (rows first, then columns: a loop over output lines);
    a uint8 image is rounded to uint8 after each dimension as MATLAB does, a float one is not."""
    import numpy as np
    is_u8 = img.dtype == np.uint8
    h, w = img.shape[:2]
    oh, ow = math.ceil(h * scale), math.ceil(w * scale)
    x = img.astype(np.float64)
    tmp = np.empty((oh, w, img.shape[2]))
    for i, (idx, wt) in enumerate(_weights(h, oh, scale)):
        tmp[i] = np.tensordot(wt, x[idx], axes=1)
    if is_u8:
        tmp = np.clip(np.floor(tmp + 0.5), 0, 255)
    out = np.empty((oh, ow, img.shape[2]))
    for j, (idx, wt) in enumerate(_weights(w, ow, scale)):
        out[:, j] = np.tensordot(tmp[:, idx], wt, axes=([1], [0]))
    return np.clip(np.floor(out + 0.5), 0, 255).astype(np.uint8) if is_u8 else out


def ref_y(img8):
    import numpy as np
    x = img8.astype(np.float64)
    if x.ndim == 2:
        return x
    return 16.0 + (65.481 * x[..., 0] + 128.553 * x[..., 1] + 24.966 * x[..., 2]) / 255.0


def ref_psnr(a, b):
    import numpy as np
    mse = np.mean((a - b) ** 2)
    return float('inf') if mse == 0 else 10 * math.log10(255.0 ** 2 / mse)


def ref_ssim(a, b):
    import cv2
    import numpy as np
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    k = cv2.getGaussianKernel(11, 1.5)
    win = np.outer(k, k.T)
    mu1 = cv2.filter2D(a, -1, win)[5:-5, 5:-5]
    mu2 = cv2.filter2D(b, -1, win)[5:-5, 5:-5]
    s11 = cv2.filter2D(a * a, -1, win)[5:-5, 5:-5] - mu1 ** 2
    s22 = cv2.filter2D(b * b, -1, win)[5:-5, 5:-5] - mu2 ** 2
    s12 = cv2.filter2D(a * b, -1, win)[5:-5, 5:-5] - mu1 * mu2
    m = ((2 * mu1 * mu2 + c1) * (2 * s12 + c2)) / ((mu1 ** 2 + mu2 ** 2 + c1) * (s11 + s22 + c2))
    return float(m.mean())


def worker_reference(root, sets, out_json):
    """The BasicSR-style Bicubic table: {"Set5/x2": [PSNR, SSIM], ...}."""
    import cv2
    import numpy as np
    cv2.setNumThreads(1)
    res = {}
    for ds in sets:
        d = Path(root) / ds / 'HR'
        if not d.is_dir():
            continue
        files = sorted(p for p in d.iterdir() if p.suffix.lower() in ('.png', '.bmp', '.jpg', '.jpeg'))
        for s in SCALES:
            ps, ss = [], []
            for f in files:
                img = cv2.imread(str(f), cv2.IMREAD_UNCHANGED)
                if img.ndim == 3:
                    img = cv2.cvtColor(img[..., :3], cv2.COLOR_BGR2RGB)
                h, w = img.shape[0] // s * s, img.shape[1] // s * s
                hr = img[:h, :w]
                lr = ref_imresize(hr if hr.ndim == 3 else hr[..., None], 1 / s)
                sr = ref_imresize(lr, s)
                sr = sr if hr.ndim == 3 else sr[..., 0]
                a, b = ref_y(sr)[s:-s, s:-s], ref_y(hr)[s:-s, s:-s]
                ps.append(ref_psnr(a, b))
                ss.append(ref_ssim(a, b))
            res[f'{ds}/x{s}'] = [float(np.mean(ps)), float(np.mean(ss))]
    Path(out_json).write_text(json.dumps(res))


# ------------------------------------------------------------------------------------ network overhead
def make_vdsr_ckpt(path):
    import torch

    from srbench.registry import MODELS
    torch.manual_seed(0)
    net = MODELS.build(dict(type='VDSR'))
    torch.save(net.state_dict(), path)


def worker_bare(root, ckpt, out_json):
    """VDSR x2 on Set5 + Set14 in a bare loop: the inputs of configs' VDSR protocol (LR from Y in double
    precision, bicubic-upsampled), the network, PSNR + SSIM with srbench's metric functions."""
    import numpy as np
    import torch

    from srbench.data.io import imread, list_images
    from srbench.metrics import PSNR, SSIM
    from srbench.registry import MODELS
    from srbench.transforms.degrade import make_test_pair, upsample
    net = MODELS.build(dict(type='VDSR'))
    net.load_state_dict(torch.load(ckpt, map_location='cpu'))
    net.eval()
    res = {}
    with torch.no_grad():
        for ds in ('Set5', 'Set14'):
            ps, ss = [], []
            for f in list_images(Path(root) / ds / 'HR'):
                hr, lr = make_test_pair(imread(f), 2, 'y', lr_from='y', quantize=False)
                x = torch.from_numpy(upsample(lr, 2, hr.shape[:2]).transpose(2, 0, 1).copy()).float()[None]
                sr = net(x).clamp(0, 1)[0]
                gt = torch.from_numpy(hr.transpose(2, 0, 1).copy()).float() / 255
                meta = dict(name=f.stem, scale=2)
                p, s = PSNR(), SSIM()
                a, b = p.prepare(sr, gt, meta)
                ps.append(p.score(a, b))
                ss.append(s.score(a, b))
            res[f'{ds}/x2'] = [float(np.mean(ps)), float(np.mean(ss))]
    Path(out_json).write_text(json.dumps(res))


# ------------------------------------------------------------------------------------------------ README
def write_readme_block(name: str, text: str, readme=REPO / 'README.md') -> None:
    """Replace what README.md holds between ``<!-- bench:NAME:begin -->`` and ``<!-- bench:NAME:end -->``
    with ``text`` (written under a temporary name and renamed)."""
    begin, end = f'<!-- bench:{name}:begin -->', f'<!-- bench:{name}:end -->'
    doc = Path(readme).read_text(encoding='utf-8')
    if doc.count(begin) != 1 or doc.count(end) != 1 or doc.index(begin) > doc.index(end):
        raise SystemExit(f'{readme}: expected one {begin} ... {end} block for --readme {name}')
    head, rest = doc.split(begin)
    _, tail = rest.split(end)
    tmp = Path(readme).with_name(Path(readme).name + '.tmp')
    tmp.write_text(f'{head}{begin}\n{text.strip()}\n{end}{tail}', encoding='utf-8')
    os.replace(tmp, readme)
    print(f'README.md: block {name!r} written')


# ------------------------------------------------------------------------------------------------ driver
def srbench_table(res_json):
    rows = json.loads(Path(res_json).read_text())['results']
    return {f'{r["dataset"]}/x{r["scale"]}': [r['metrics'].get('PSNR'), r['metrics'].get('SSIM')]
            for r in rows}


def fmt_t(ts):
    return f'{statistics.median(ts):.1f} s' if ts else '—'


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--sets', nargs='+', default=SETS)
    ap.add_argument('--no-ifc', action='store_true', help='skip the srbench run with IFC')
    ap.add_argument('--no-network', action='store_true', help='skip the VDSR overhead runs')
    ap.add_argument('--no-reference', action='store_true', help='skip the BasicSR-style runs')
    ap.add_argument('--no-one-thread', action='store_true',
                    help='skip the warm srbench run with SRBENCH_THREADS=1 (one thread)')
    ap.add_argument('--markdown', action='store_true', help='print the table as README.md shows it')
    ap.add_argument('--readme', metavar='NAME',
                    help='also write the table into README.md\'s <!-- bench:NAME:begin/end --> block')
    ap.add_argument('--worker', choices=['reference', 'bare', 'ckpt'], help=argparse.SUPPRESS)
    ap.add_argument('--root', help=argparse.SUPPRESS)
    ap.add_argument('--ckpt', help=argparse.SUPPRESS)
    ap.add_argument('--json', help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker == 'reference':
        return worker_reference(a.root, a.sets, a.json)
    if a.worker == 'bare':
        return worker_bare(a.root, a.ckpt, a.json)
    if a.worker == 'ckpt':
        sys.path.insert(0, str(REPO))
        return make_vdsr_ckpt(a.ckpt)

    # this process imports neither torch nor srbench: Linux keeps a process's peak RSS across exec, so a child
    # forked from a process holding torch would report at least that process's RSS as its own peak
    py = sys.executable
    ask_root = 'from srbench.data.benchmarks import benchmark_root; print(benchmark_root())'
    root = subprocess.run([py, '-c', ask_root], check=True, capture_output=True, text=True,
                          cwd=str(REPO)).stdout.strip()
    times: dict = {k: [] for k in ('srbench', 'srbench_warm', 'srbench_1t', 'srbench_ifc', 'reference', 'net',
                                   'bare')}
    rss: dict = {k: [] for k in times}
    cpu: dict = {k: [] for k in times}
    loads = [load_avg()]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sets = [s for s in a.sets if (Path(root) / s / 'HR').is_dir()]
        loaders = f'test_loaders({sets!r}, {SCALES!r}, root={root!r})'
        base = (f"_base_ = ['{REPO / 'configs' / 'bicubic_x234.py'}']\n"
                'from srbench.data.benchmarks import test_loaders\n'
                f'test_dataloader = {loaders}\n')
        (tmp / 'bic.py').write_text(base + "test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]\n")
        (tmp / 'bic_ifc.py').write_text(base + "test_evaluator = [dict(type='PSNR'), dict(type='SSIM'), "
                                               "dict(type='IFC')]\n")
        vdsr_cfg = sorted((REPO / 'configs').glob('vdsr*.py'))
        net_cfg = tmp / 'vdsr.py'
        net_cfg.write_text(f"_base_ = ['{vdsr_cfg[0]}']\nfrom srbench.data.benchmarks import test_loaders\n"
                           f"test_dataloader = test_loaders(['Set5', 'Set14'], [2], root={root!r})\n"
                           "test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]\n") if vdsr_cfg else None
        ckpt = tmp / 'vdsr_random.pth'
        cache = tmp / 'cache'
        tables = {}
        for rep in range(a.repeats):
            test_bic = [py, 'tools/test.py', str(tmp / 'bic.py'), '--work-dir', str(tmp / 'w')]
            jobs = [('srbench', test_bic + ['--out', str(tmp / 'srbench.json')]),
                    ('srbench_warm', test_bic + ['--out', str(tmp / 'srbench_warm.json')])]
            if not a.no_one_thread:
                jobs.append(('srbench_1t', test_bic + ['--out', str(tmp / 'srbench_1t.json')]))
            if not a.no_reference:
                jobs.append(('reference', [py, __file__, '--worker', 'reference', '--root', root,
                                           '--json', str(tmp / 'ref.json'), '--sets', *sets]))
            if not a.no_ifc:
                jobs.append(('srbench_ifc', [py, 'tools/test.py', str(tmp / 'bic_ifc.py'), '--work-dir',
                                             str(tmp / 'w'), '--out', str(tmp / 'srbench_ifc.json')]))
            if not a.no_network and net_cfg is not None and all((Path(root) / s / 'HR').is_dir()
                                                                for s in ('Set5', 'Set14')):
                if not ckpt.exists():
                    subprocess.run([py, __file__, '--worker', 'ckpt', '--ckpt', str(ckpt)], check=True,
                                   cwd=str(REPO))
                jobs.append(('net', [py, 'tools/test.py', str(net_cfg), '--ckpt', str(ckpt), '--work-dir',
                                     str(tmp / 'w'), '--out', str(tmp / 'net.json')]))
                jobs.append(('bare', [py, __file__, '--worker', 'bare', '--root', root, '--ckpt', str(ckpt),
                                      '--json', str(tmp / 'bare.json')]))
            if rep % 2:
                jobs.reverse()          # interleave: A B / B A
            for name, cmd in jobs:
                if name == 'srbench':      # cold: an empty cache (srbench.utils.cache); every other run warm
                    shutil.rmtree(cache, ignore_errors=True)
                elif name.startswith('srbench') and not cache.exists():
                    run_timed(test_bic + ['--out', str(tmp / 'fill.json')], cache_dir=cache)
                env = dict(os.environ, SRBENCH_THREADS='1') if name == 'srbench_1t' else None
                r = run_timed(cmd, env=env, cache_dir=cache)
                times[name].append(r['wall'])
                rss[name].append(r['rss_gb'])
                cpu[name].append(r['cpu'])
                print(f'[{rep + 1}/{a.repeats}] {name:<12s} {r["wall"]:7.1f} s  {r["cpu"]:7.1f} s CPU  '
                      f'{r["rss_gb"]:.2f} GB  '
                      f'(load {load_avg()})', file=sys.stderr, flush=True)
            loads.append(load_avg())
        tables['srbench'] = srbench_table(tmp / 'srbench.json')
        if srbench_table(tmp / 'srbench_warm.json') != tables['srbench']:
            raise SystemExit('the warm-cache table differs from the cold-cache one')
        if times['srbench_1t'] and srbench_table(tmp / 'srbench_1t.json') != tables['srbench']:
            raise SystemExit('the one-thread table differs from the two-thread one')
        if times['reference']:
            tables['reference'] = json.loads((tmp / 'ref.json').read_text())
        if times['net']:
            tables['net'] = srbench_table(tmp / 'net.json')
            tables['bare'] = json.loads((tmp / 'bare.json').read_text())
    report(a, times, cpu, rss, tables, loads, sets)


def report(a, times, cpu, rss, tables, loads, sets):
    med = {k: statistics.median(v) for k, v in times.items() if v}
    mcpu = {k: statistics.median(v) for k, v in cpu.items() if v}
    mrss = {k: max(v) for k, v in rss.items() if v}

    def cell(k):
        return f'{med[k]:.1f} s wall, {mcpu[k]:.1f} s CPU, {mrss[k]:.2f} GB peak RSS'

    def ratio(ref, ours):
        return f'{med[ref] / med[ours]:.2f}× (CPU {mcpu[ref] / mcpu[ours]:.2f}×)'

    lines = []
    n = f'{len(sets)} set{"s" if len(sets) > 1 else ""} × x2/x3/x4'
    if 'reference' in med:
        dp = max(abs(tables['srbench'][k][0] - v[0]) for k, v in tables['reference'].items())
        ds = max(abs(tables['srbench'][k][1] - v[1]) for k, v in tables['reference'].items())
        lines.append(f'| Bicubic table, {n}, PSNR + SSIM, whole process, cold cache | {cell("srbench")} | '
                     f'BasicSR-style script: {cell("reference")} | {ratio("reference", "srbench")} |')
        if 'srbench_warm' in med:
            lines.append(f'| same, warm cache (decoded HR and LR read from srbench\'s cache) | '
                         f'{cell("srbench_warm")} | same script | {ratio("reference", "srbench_warm")} |')
        if 'srbench_1t' in med:
            lines.append(f'| same, warm cache, one thread (`SRBENCH_THREADS=1`) | '
                         f'{cell("srbench_1t")} | same script | {ratio("reference", "srbench_1t")} |')
        agree = (f'max |ΔPSNR| {dp:.3f} dB, max |ΔSSIM| {ds:.4f} against the BasicSR-style script '
                 f'(Y not rounded)')
    else:
        lines.append(f'| Bicubic table, {n}, PSNR + SSIM, whole process | {cell("srbench")} | — | — |')
        agree = ''
    if 'srbench_ifc' in med:
        w = 'srbench_warm' if 'srbench_warm' in med else 'srbench'
        lines.append(f'| same with IFC (warm cache) | {cell("srbench_ifc")} (IFC adds '
                     f'{100 * (med["srbench_ifc"] / med[w] - 1):.0f} % wall, '
                     f'{100 * (mcpu["srbench_ifc"] / mcpu[w] - 1):.0f} % CPU) | — | — |')
    if 'net' in med:
        lines.append(f'| VDSR x2 (random weights) on Set5 + Set14 through `tools/test.py` | {cell("net")} | '
                     f'bare loop, same network and inputs: {cell("bare")} | '
                     f'{med["net"] / med["bare"]:.2f}× overhead (CPU {mcpu["net"] / mcpu["bare"]:.2f}×) |')
        dn = max(abs(tables['net'][k][0] - v[0]) for k, v in tables['bare'].items())
        vdsr = f'VDSR through tools/test.py vs bare loop: max |ΔPSNR| {dn:.4f} dB'
        agree = f'{agree}; {vdsr}' if agree else vdsr
    reps = len(times['srbench'])
    head = ('| Task | srbench | reference | ratio (reference / srbench) |\n|---|---|---|---|')
    note = (f'Medians of {reps} interleaved runs, OMP_NUM_THREADS=1 on every side; CPU = user + sys of the '
            f'process (os.wait4); load average before and after each round: {" → ".join(loads)} '
            f'({os.cpu_count()} CPUs). {agree}.')
    print(head)
    print('\n'.join(lines))
    print('\n' + note)
    if a.readme:
        write_readme_block(a.readme, '\n'.join([head, *lines, '', note]))
    if not a.markdown:
        for name in times:
            if times[name]:
                print(f'  {name:<12s} runs: {", ".join(f"{t:.1f}" for t in times[name])} s wall; '
                      f'{", ".join(f"{t:.1f}" for t in cpu[name])} s CPU; '
                      f'peak RSS {", ".join(f"{r:.2f}" for r in rss[name])} GB')


if __name__ == '__main__':
    main()
