"""Model complexity: parameters, FLOPs / MACs for a stated input size, runtime per image.

Conventions (stated in every result and in the tables):

* **parameters**: ``params`` -- every parameter of the network (weights, biases, PReLU slopes, batch-norm
  affine parameters; buffers such as fixed mean shifts are not parameters); ``weights`` -- the parameters
  with two or more dimensions (convolution and linear weights), the count the classic SR papers give
  ("biases excluded").
* **MACs / FLOPs**: counted by torch's own ``torch.utils.flop_counter.FlopCounterMode`` (part of torch, kept
  with it) while the network runs on a zero input of the stated size. It counts the multiply-accumulates of
  convolutions (transposed ones included) and matrix products; ``flops = 2 * macs`` is its convention.
  Biases, activations, pixel shuffles, poolings and interpolations are not counted. Sizes are those of the
  forward as it runs in eval mode (SRCNN: 'same' padding at test time, so a 256x256 input gives 256x256
  feature maps).

  MMEngine's ``mmengine.analysis.get_model_complexity_info`` (fvcore-style jit tracing) was tried first and
  is not used: on torch 2.14 it counts a ``ConvTranspose2d`` as if it were a convolution over its *output*
  (4x too many MACs for a stride-2 4x4 kernel: FSRCNN's and LapSRN's upsampling) and warns that
  ``aten::pixel_shuffle`` is unsupported.
* **runtime**: wall time of the network's forward on one input (no gradients), after ``warmup`` runs, the
  median of ``repeats`` runs, on a named device (CUDA runs are synchronised before the clock is read).
"""
from __future__ import annotations

import platform
import statistics
import time
from typing import Callable

import torch

COUNTER = 'torch.utils.flop_counter.FlopCounterMode'


def count_parameters(module: torch.nn.Module) -> dict:
    """``{'params': all, 'weights': ndim >= 2 only, 'trainable': requires_grad}`` (module docstring)."""
    ps = list(module.parameters())
    return dict(params=sum(p.numel() for p in ps), weights=sum(p.numel() for p in ps if p.ndim >= 2),
                trainable=sum(p.numel() for p in ps if p.requires_grad))


def count_macs(fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> int:
    """Multiply-accumulates of ``fn(x)`` (convolutions and matrix products; FlopCounterMode's FLOPs / 2)."""
    from torch.utils.flop_counter import FlopCounterMode
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        fn(x)
    return int(counter.get_total_flops()) // 2


def device_name(device) -> str:
    """'cuda:0 (NVIDIA H200)', 'cpu (AMD EPYC ..., 2 threads)': what ran the timing."""
    device = torch.device(device)
    if device.type == 'cuda':
        return f'{device} ({torch.cuda.get_device_name(device)})'
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as f:
            cpu = next((ln.split(':', 1)[1].strip() for ln in f if ln.startswith('model name')), cpu)
    except OSError:
        pass
    return f'{device.type} ({cpu}, {torch.get_num_threads()} threads)'


def _sync(device) -> None:
    if torch.device(device).type == 'cuda':
        torch.cuda.synchronize(device)


def measure_runtime(fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, warmup: int = 2,
                    repeats: int = 5) -> dict:
    """Seconds per forward of ``fn(x)``: ``warmup`` runs first, then the median of ``repeats`` runs
    (``{'seconds', 'repeats', 'warmup', 'device', 'all'}``)."""
    times = []
    with torch.no_grad():
        for i in range(warmup + repeats):
            _sync(x.device)
            t = time.perf_counter()
            fn(x)
            _sync(x.device)
            if i >= warmup:
                times.append(time.perf_counter() - t)
    return dict(seconds=statistics.median(times), repeats=repeats, warmup=warmup,
                device=device_name(x.device), all=times)


def complexity(network: torch.nn.Module, input_shape, scale: int | None = None, device='cpu',
               runtime: bool = True, warmup: int = 2, repeats: int = 5, dtype=torch.float32) -> dict:
    """Parameters, MACs/FLOPs and (``runtime``) the time per image of ``network`` on a zero input of
    ``input_shape`` = (C, H, W) (the tensor the network takes: the LR image, or the bicubic image).

    ``network``: a network, or an SRModel (its generator is counted, run as the test does). ``scale`` is
    passed to networks whose forward takes it."""
    import inspect
    net = getattr(network, 'generator', network)
    net = net.to(device).eval()
    try:
        takes_scale = 'scale' in inspect.signature(net.forward).parameters
    except (TypeError, ValueError):
        takes_scale = False

    def fn(t):
        return net(t, scale=scale) if takes_scale else net(t)
    x = torch.zeros((1,) + tuple(int(v) for v in input_shape), device=device, dtype=dtype)
    macs = count_macs(fn, x)
    out = dict(count_parameters(net), macs=macs, flops=2 * macs, input=list(x.shape[1:]), counter=COUNTER)
    if runtime:
        out['runtime'] = measure_runtime(fn, x, warmup, repeats)
    return out
