"""``srbench new-plugin NAME``: a working plugin distribution written from srbench's template.

The template is package data (``srbench/templates/plugin/*.tmpl``), rendered with the standard library's
:class:`string.Template` (``${name}``, ``${package}``, ``${network}``, ...). What it writes
(:data:`LAYOUT`)::

    srbench-plugin-NAME/
      pyproject.toml                       entry point (srbench.plugins) and package data
      README.md
      src/srbench_plugin_NAME/__init__.py  the declaration (srbench.spec.Plugin; no torch)
      src/srbench_plugin_NAME/NAME_arch.py the network, registered in srbench's MODELS
      src/srbench_plugin_NAME/configs/NAME_x2.py   inherits 'srbench::_base_/...'
      src/srbench_plugin_NAME/paper.json   the reference numbers' skeleton
      tests/conftest.py, tests/test_NAME.py

docs/plugins.md's "Writing a plugin" section shows the same files, rendered for the name ``mynet``
(``tests/test_new_plugin.py`` keeps them equal).
"""
from __future__ import annotations

import re
from pathlib import Path
from string import Template

from .errors import ConfigError

TEMPLATES = Path(__file__).resolve().parent / 'templates' / 'plugin'
NAME_RE = re.compile(r'^[a-z][a-z0-9_]{0,39}$')

LAYOUT: tuple[tuple[str, str], ...] = (
    ('pyproject.toml.tmpl', 'pyproject.toml'),
    ('README.md.tmpl', 'README.md'),
    ('__init__.py.tmpl', 'src/${package}/__init__.py'),
    ('arch.py.tmpl', 'src/${package}/${name}_arch.py'),
    ('config.py.tmpl', 'src/${package}/configs/${name}_x2.py'),
    ('paper.json.tmpl', 'src/${package}/paper.json'),
    ('conftest.py.tmpl', 'tests/conftest.py'),
    ('test_plugin.py.tmpl', 'tests/test_${name}.py'),
)
"""(template file, path in the written distribution)."""


def template_values(name: str, network: str | None = None) -> dict:
    """What the templates are filled with, for the plugin ``name``."""
    if not NAME_RE.match(name or ''):
        raise ConfigError(f'plugin name {name!r}: use lower case letters, digits and underscores, starting '
                          'with a letter (at most 40 characters), e.g. "mynet"')
    network = network or ''.join(p.capitalize() for p in name.split('_')) + 'SR'
    if not network.isidentifier():
        raise ConfigError(f'network name {network!r} is not a Python identifier')
    return dict(name=name, network=network, package=f'srbench_plugin_{name}',
                dist=f'srbench-plugin-{name.replace("_", "-")}', title=f'{network} (srbench plugin {name})')


def render(name: str, network: str | None = None) -> dict[str, str]:
    """Relative path -> text of every file of the plugin ``name``."""
    values = template_values(name, network)
    out = {}
    for tmpl, rel in LAYOUT:
        text = (TEMPLATES / tmpl).read_text(encoding='utf-8')
        out[Template(rel).substitute(values)] = Template(text).substitute(values)
    return out


def new_plugin(name: str, folder='.', network: str | None = None, force: bool = False) -> Path:
    """Write ``<folder>/srbench-plugin-<name>/`` and return its path. An existing folder is refused unless
    ``force`` (its files are then overwritten; other files stay)."""
    from .utils.atomic import write_text_atomic
    files = render(name, network)
    root = Path(folder).expanduser().resolve() / template_values(name, network)['dist']
    if root.exists() and not force:
        raise ConfigError(f'{root} already exists; choose another --dir, or --force to overwrite its files')
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(text, p)
    return root
