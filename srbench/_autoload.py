"""Imported by the registries' ``locations`` on their first lookup: registers srbench's core
components, then discovers plugins once per process (honours SRBENCH_PLUGINS_AUTOLOAD)."""
from . import _core  # noqa: F401
from .plugins import ensure_plugins_loaded

ensure_plugins_loaded()
