#!/usr/bin/env python
"""Checks that need a CUDA GPU (none of the CI machines has one): run on a machine with a GPU.

1. ``imresize_torch`` on CUDA (uint8 and float64 input) against ``imresize_np`` on the CPU, on the Set5 images
   at x2/x3/x4: the uint8 results must be identical, float64 within 1e-9.
2. Every model of every first-party config: the generator's output on CUDA (float32, TF32 off) against the CPU
   output for the same weights and input (relative error printed, must be < 1e-4), and its speed on CUDA
   (256x256 LR-sized input for ``lr`` models, HR-sized for ``bicubic`` models).

Prints one line per check and exits non-zero when a check fails. The training / test / AMP / resume path on
CUDA is exercised with ``tools/train.py`` and ``tools/test.py`` (see the README, "Checks on a GPU").

    python benchmarks/gpu_check.py [--configs configs/espcn_x3.py ...]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
DEV = 'cuda'


def sync():
    if DEV == 'cuda':
        torch.cuda.synchronize()
sys.path.insert(0, str(ROOT))


def check_imresize(failures: list) -> None:
    import cv2

    from srbench.data.benchmarks import benchmark_root
    from srbench.transforms.imresize import imresize_np, imresize_torch
    root = Path(benchmark_root())
    files = sorted((root / 'Set5' / 'HR').glob('*')) if root else []
    if not files:
        print('imresize: SKIPPED (no Set5 images found; set SRBENCH_DATA_ROOT)')
        return
    worst8, worst64 = 0, 0.0
    for f in files:
        img = cv2.imread(str(f), cv2.IMREAD_UNCHANGED)
        for s in (2, 3, 4):
            h, w = img.shape[0] // s * s, img.shape[1] // s * s
            hr = img[:h, :w]
            ref8 = imresize_np(hr, 1 / s)
            chw = torch.from_numpy(np.ascontiguousarray(hr.transpose(2, 0, 1) if hr.ndim == 3 else hr)).to(DEV)
            got8 = imresize_torch(chw, 1 / s).cpu().numpy()
            got8 = got8.transpose(1, 2, 0) if got8.ndim == 3 else got8
            worst8 = max(worst8, int(np.abs(got8.astype(int) - ref8.astype(int)).max()))
            ref64 = imresize_np(hr.astype(np.float64), 1 / s)
            got64 = imresize_torch(chw.double(), 1 / s).cpu().numpy()
            got64 = got64.transpose(1, 2, 0) if got64.ndim == 3 else got64
            worst64 = max(worst64, float(np.abs(got64 - ref64).max()))
    ok = worst8 == 0 and worst64 < 1e-9
    print(f'imresize {DEV} vs CPU numpy, Set5 x2/x3/x4: uint8 max |diff| {worst8}, float64 max |diff| '
          f'{worst64:.2e} -> {"ok" if ok else "FAIL"}')
    if not ok:
        failures.append('imresize')


def check_models(configs, failures: list, speed_size: int = 256) -> None:
    from mmengine.config import Config

    from srbench.discovery import ensure_plugins_loaded
    from srbench.registry import MODELS
    ensure_plugins_loaded()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    seen = set()
    for path in configs:
        cfg = Config.fromfile(path)
        if 'model' not in cfg:
            continue
        key = repr(cfg.model.to_dict() if hasattr(cfg.model, 'to_dict') else cfg.model)
        if key in seen:
            continue
        seen.add(key)
        torch.manual_seed(0)
        model = MODELS.build(cfg.model).eval()
        gen = model.generator
        n_params = sum(p.numel() for p in gen.parameters())
        info = model.info
        ch = 1 if info.channels == 'y' else 3
        scale = model.fixed_scale or max(info.scales)
        size = 64 if info.input == 'lr' else 64 * scale
        x = torch.rand(1, ch, size, size, generator=torch.Generator().manual_seed(1))
        kw = {'scale': scale} if model._gen_takes_scale else {}
        with torch.no_grad():
            ref = gen(x, **kw) if n_params else None
            gen_c = gen.to(DEV)
            out = gen_c(x.to(DEV), **kw)
        if ref is None:
            continue
        ref = ref[-1] if isinstance(ref, (list, tuple)) else ref
        out = (out[-1] if isinstance(out, (list, tuple)) else out).cpu()
        rel = float((out - ref).abs().max() / ref.abs().max().clamp_min(1e-12))
        # speed on a 256x256 (LR) image
        big = speed_size if info.input == 'lr' else speed_size * scale
        xb = torch.rand(1, ch, big, big, device=DEV)
        with torch.no_grad():
            for _ in range(3 if DEV == 'cuda' else 1):
                gen_c(xb, **kw)
            sync()
            t0, n = time.perf_counter(), 0
            while time.perf_counter() - t0 < 1.0 or n == 0:
                gen_c(xb, **kw)
                n += 1
            sync()
            ms = (time.perf_counter() - t0) / n * 1e3
        ok = rel < 1e-4
        print(f'{Path(path).name:24s} {model.generator_name:10s} x{scale} params {n_params:>9,d}  {DEV} vs CPU rel '
              f'{rel:.1e} -> {"ok" if ok else "FAIL"};  {ms:7.2f} ms per {big}x{big} input (fp32)')
        if not ok:
            failures.append(path)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--configs', nargs='*', default=None)
    ap.add_argument('--device', default='cuda', help='cpu only to dry-run this script')
    ap.add_argument('--speed-size', type=int, default=256, help='LR side of the timed input')
    args = ap.parse_args(argv)
    global DEV
    DEV = args.device
    if DEV == 'cuda' and not torch.cuda.is_available():
        print('gpu_check: no CUDA device visible to torch; nothing checked')
        return 2
    print(f'torch {torch.__version__}, {torch.cuda.get_device_name() if DEV == "cuda" else DEV}')
    configs = args.configs or sorted(str(p) for p in (ROOT / 'configs').glob('*.py'))
    failures: list = []
    check_imresize(failures)
    check_models(configs, failures, args.speed_size)
    print('gpu_check:', 'FAILED ' + ', '.join(map(str, failures)) if failures else 'all checks passed')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
