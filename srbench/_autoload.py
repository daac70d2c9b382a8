"""Imported by the srbench registries' ``locations`` on their first lookup (MMEngine imports it by name):
registers srbench's core components, then discovers the plugins once per process (honours
SRBENCH_PLUGINS_AUTOLOAD). Core first, so that a plugin that registers a core name is a conflict."""
from . import _core  # noqa: F401
from .discovery import run_discovery

run_discovery()
