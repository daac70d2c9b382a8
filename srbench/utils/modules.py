"""Hiding modules from ``import`` for a while (srbench's start-up leaves optional packages out of MMEngine's
import-time registrations and of its environment log)."""
from __future__ import annotations

import contextlib
import sys


@contextlib.contextmanager
def hidden_modules(names):
    """While inside, ``import <name>`` raises ImportError for each of ``names`` not imported yet (those are
    yielded); afterwards they are importable again."""
    hidden = [p for p in names if p not in sys.modules]
    for p in hidden:
        sys.modules[p] = None
    try:
        yield hidden
    finally:
        for p in hidden:
            if sys.modules.get(p, 0) is None:
                del sys.modules[p]
