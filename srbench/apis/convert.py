"""convert(): what ``srbench convert`` / ``tools/convert_weights.py`` call -- an author's released weight
file to an srbench checkpoint (:mod:`srbench.weights` does the work)."""
from __future__ import annotations

import warnings
from pathlib import Path


def convert(file, out=None, weights: str | None = None, model: str | None = None, plugin: str | None = None,
            args: dict | None = None) -> dict:
    """Convert ``file`` and write the checkpoint to ``out`` (default ``work_dirs/released/<name>.pth``).
    Returns ``dict(source, out, weights, sha256_ok, warnings, config, meta)``."""
    from ..weights import WeightsWarning, convert_file, save_converted
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', WeightsWarning)    # returned and printed once by the caller
        conv = convert_file(file, weights=weights, model=model, plugin=plugin, args=args)
    if out is None:
        safe = ''.join(c if c.isalnum() or c in '-_.' else '_' for c in conv.weights.name)
        out = Path('work_dirs') / 'released' / f'{safe}.pth'
    path = save_converted(conv, out)
    return dict(source=str(file), out=str(path), weights=conv.weights.name, sha256_ok=conv.meta['sha256_ok'],
                warnings=list(conv.warnings), config=conv.weights.config, meta=dict(conv.meta))
