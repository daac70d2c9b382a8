"""Write a new plugin distribution from srbench's template: ``srbench new-plugin NAME [--dir D]`` writes
``D/srbench-plugin-NAME/`` with a pyproject (entry point, package data), the declaration, a network file, a
config inheriting srbench's base configs (``srbench::_base_/...``), a ``paper.json`` skeleton, a README and
a test. ``pip install D/srbench-plugin-NAME`` installs it; ``srbench plugins`` then lists it."""
from __future__ import annotations

HELP = 'write a new plugin distribution (pyproject, declaration, network, config, paper.json, test)'


def add_arguments(p) -> None:
    p.add_argument('name', help='the plugin\'s name: lower case letters, digits and underscores (e.g. mynet)')
    p.add_argument('--dir', default='.', help='folder to write srbench-plugin-NAME/ into (default: .)')
    p.add_argument('--network', help='class name of the network (default: the name in CamelCase + "SR")')
    p.add_argument('--force', action='store_true', help='overwrite files of an existing folder')


def run(a) -> int:
    from ..plugin_template import new_plugin
    out = new_plugin(a.name, a.dir, network=a.network, force=a.force)
    print(f'plugin written to {out}\n'
          f'  install it:   pip install {out}\n'
          f'  check it:     srbench plugins; srbench configs {a.name}\n'
          f'  test it:      python -m pytest {out / "tests"}')
    return 0
