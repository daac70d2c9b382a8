"""Compatibility module: the names ``srbench.plugins`` had before it was split (srbench 0.1).

Plugins written for srbench 0.1 import ``from srbench.plugins import ModelInfo, Plugin``; that keeps
working. New code imports from where the names live now:

* :mod:`srbench.spec` -- what a plugin author writes: ``Plugin``, ``ModelInfo``, ``SizeRequirements``,
  ``INPUT_KINDS``, ``CHANNELS``, ``GROUP`` and the environment-variable names (torch-free, a leaf);
* :mod:`srbench.discovery` -- entry-point discovery, the environment switches, conflicts, rollback of a
  failed plugin, ``ensure_plugins_loaded()``, ``records()``;
* :mod:`srbench.lookup` -- ``find_model``, ``get_plugin``, ``check_registered``, ``unknown_name_message``
  and the plugins table.

Nothing inside srbench imports this module (``tests/test_import_graph.py`` checks that).
"""
from .discovery import (PluginConflictError, PluginRecord, autoload_enabled, discover,  # noqa: F401
                        ensure_plugins_loaded, records, reset_for_tests)
from .lookup import check_registered, find_model, format_table, get_plugin, unknown_name_message  # noqa: F401
from .spec import (CHANNELS, ENV_AUTOLOAD, ENV_DISABLE, GROUP, INPUT_KINDS, ModelInfo, Plugin,  # noqa: F401
                   SizeRequirements)
