"""Imports every core module that registers components (no plugin code)."""
from . import data, engine, metrics, models, transforms  # noqa: F401
