"""Where configs live: every config ships in its plugin's package (plugins/<paper>/configs/), srbench's shared
bases in srbench/configs/_base_/, and the top-level configs/ holds exactly one one-line stub per packaged
file, inheriting it -- so the two cannot drift apart. Configs inherit srbench's bases by prefix only."""
import ast
from pathlib import Path

from conftest import REPO

TOP = REPO / 'configs'
BASES = REPO / 'srbench' / 'configs'


def packaged() -> dict[str, Path]:
    """configs/<rel> -> the packaged file it must inherit."""
    out = {}
    for f in sorted(REPO.glob('plugins/*/configs/*.py')):
        assert f.name not in out, f'two plugins ship {f.name}: names must be unique ({out.get(f.name)}, {f})'
        out[f.name] = f
    for f in sorted(BASES.rglob('*.py')):
        out[str(f.relative_to(BASES))] = f
    return out


def test_every_packaged_config_has_its_stub_and_nothing_else_lives_in_configs():
    want = packaged()
    assert len(want) > 40
    have = {str(p.relative_to(TOP)) for p in TOP.rglob('*') if p.is_file() and '__pycache__' not in p.parts}
    assert sorted(have - set(want) - {'README.md'}) == [], 'files in configs/ that no package ships'
    assert sorted(set(want) - have) == [], 'packaged configs without their configs/ stub'
    for rel, target in want.items():
        stub = TOP / rel
        text = stub.read_text()
        assert len(text.strip().splitlines()) == 1, f'{stub} must be one line'
        (node,) = ast.parse(text).body
        (base,) = ast.literal_eval(node.value)
        assert node.targets[0].id == '_base_'
        assert (stub.parent / base).resolve() == target.resolve(), f'{stub} inherits {base}, not {target}'


def test_packaged_configs_inherit_srbench_bases_by_prefix_only():
    for f in sorted(REPO.glob('plugins/*/configs/*.py')):
        tree = ast.parse(f.read_text())
        bases = [ast.literal_eval(n.value) for n in tree.body
                 if isinstance(n, ast.Assign) and getattr(n.targets[0], 'id', None) == '_base_']
        for b in (x for group in bases for x in group):
            assert b.startswith('srbench::_base_/') or (b.startswith('./') and (f.parent / b).is_file()), \
                f'{f}: base {b!r} must be srbench::_base_/... or a sibling ./<file>.py'


def test_every_declared_configs_folder_is_the_packages_own():
    import importlib
    for d in sorted(REPO.glob('plugins/*/__init__.py')):
        mod = importlib.import_module(f'srbench_plugins.{d.parent.name}')
        assert mod.plugin.configs in (None, 'configs'), d
        if (d.parent / 'configs').is_dir():
            assert mod.plugin.configs == 'configs', f'{d}: ships configs/ but does not declare it'
