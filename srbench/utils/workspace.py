"""Per-thread float64 work buffers by name, kept between calls (the metric kernels' temporaries).

Fresh memory for every image costs page faults (measured: ~25 % of IFC's time under load); a
:class:`Workspace` hands out views of buffers that grow to the largest size asked for and stay, one set per
thread, so kernels running in several threads never share one.
"""
from __future__ import annotations

import math
import threading

import torch


class Workspace(threading.local):
    """``get(name, shape)``: a float64 tensor of ``shape`` (contents undefined), a view of this thread's
    buffer ``name``; ``release()`` frees this thread's buffers."""

    def __init__(self):
        self.bufs: dict = {}

    def get(self, name: str, shape) -> torch.Tensor:
        n = math.prod(shape)
        b = self.bufs.get(name)
        if b is None or b.numel() < n:
            b = self.bufs[name] = torch.empty(n, dtype=torch.float64)
        return b[:n].view(tuple(shape))

    def release(self) -> None:
        self.bufs.clear()
