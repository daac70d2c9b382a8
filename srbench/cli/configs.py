"""List the configs every installed plugin ships, with the plugin, the network, the scales and the training
data recipe: ``srbench configs [PATTERN] [--json]``. The configs are read statically (no config code runs,
no torch import): the summary follows ``_base_`` and literal assignments only."""
from __future__ import annotations

import json

HELP = 'list the configs the installed plugins ship (plugin, network, scales, data)'


def add_arguments(p) -> None:
    p.add_argument('pattern', nargs='?', default=None,
                   help='only configs whose name matches (a substring, or a glob such as "espcn_*")')
    p.add_argument('--json', action='store_true', help='machine-readable output')
    p.add_argument('--paths', action='store_true', help='show the file of each config')


def run(a) -> int:
    from ..config_files import format_configs, list_configs
    rows = list_configs(a.pattern)
    if a.json:
        print(json.dumps([r.as_dict() for r in rows], indent=1))
    else:
        print(format_configs(rows, paths=a.paths))
    return 0
