"""Plugin discovery through the srbench.plugins entry-point group, with throwaway distributions
built and installed (pip --target) in temporary folders."""
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import REPO, error_line, run_tool, tool_env

ARCH = '''
from torch import nn
from srbench.registry import MODELS


@MODELS.register_module()
class {cls}(nn.Module):
    def __init__(self, scale=2):
        super().__init__()
        self.scale = scale
        self.conv = nn.Conv2d(1, scale * scale, 3, padding=1)
        self.up = nn.PixelShuffle(scale)

    def forward(self, x):
        return self.up(self.conv(x))
'''


# What a plugin's module may do at import time: look plugins up (it sees those discovered before it).
LOOKUPS = '''
from srbench.discovery import records
from srbench.lookup import get_plugin
SEEN = sorted(r.name for r in records() if r.ok)
ESPCN_PAPER = get_plugin('espcn').paper['year']


@MODELS.register_module()
class {cls}Loss(nn.Module):                     # registered, declared nowhere: listed as the plugin's
    def forward(self, a, b):
        return (a - b).abs().mean()
'''


def make_dist(root: Path, dist: str, pkg: str, plugin: str, cls: str, version='0.3.1', broken=False,
              old_style=False, components=None, lookups=False, first_cls=None) -> Path:
    """A throwaway plugin distribution. The declaration is written as a plugin author writes it now
    (``srbench.spec``, no ``components``) or, with ``old_style``, as for srbench 0.1 (``srbench.plugins``,
    with ``components``: by default the one network). ``first_cls``: a network registered before ``cls``."""
    d = root / dist
    (d / pkg).mkdir(parents=True)
    (d / 'pyproject.toml').write_text(textwrap.dedent(f'''
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"
        [project]
        name = "{dist}"
        version = "{version}"
        [project.entry-points."srbench.plugins"]
        {plugin} = "{pkg}:plugin"
        [tool.setuptools]
        packages = ["{pkg}"]
        '''))
    module = 'srbench.plugins' if old_style else 'srbench.spec'
    comps = f'components={components or {"MODELS": [cls]}!r}, ' if old_style else ''
    (d / pkg / '__init__.py').write_text(textwrap.dedent(f'''
        from {module} import ModelInfo, Plugin
        plugin = Plugin(name={plugin!r}, modules=[{pkg + '.arch'!r}], {comps}
                        models={{{cls!r}: ModelInfo(input='lr', channels='y', scales=(2,))}},
                        paper=dict(title='A toy', year=2099))
        '''))
    arch = (ARCH.format(cls=first_cls) if first_cls else '') + ARCH.format(cls=cls)
    arch += LOOKUPS.format(cls=cls) if lookups else ''
    if broken:
        arch = 'raise ImportError("toy plugin needs the missing package nonexistent_dependency_xyz")\n' + arch
    (d / pkg / 'arch.py').write_text(arch)
    return d


def install(dists, target: Path) -> dict:
    cmd = [sys.executable, '-m', 'pip', 'install', '-q', '--no-deps', '--no-build-isolation', '--no-index',
           '--target', str(target)] + [str(d) for d in dists]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    return tool_env(PYTHONPATH=str(target))


def plugin_rows(env):
    p = run_tool(['-m', 'srbench', 'plugins', '--json'], env=env)
    assert p.returncode == 0, p.stderr[-3000:]
    return {r['name']: r for r in json.loads(p.stdout)}


BUILD = '''
import sys, torch
from mmengine.config import Config
from srbench.registry import MODELS
cfg = Config(dict(model=dict(type='SRModel', generator=dict(type=sys.argv[1], scale=2))))
m = MODELS.build(cfg.model)
out = m(torch.rand(1, 1, 7, 9), dict(gt=None, metainfo=[dict(scale=2)]), mode='tensor')
print('built', type(m.generator).__name__, m.plugin.name, tuple(out.shape))
'''


@pytest.fixture(scope='module')
def toy_env(tmp_path_factory):
    root = tmp_path_factory.mktemp('dists')
    good = make_dist(root, 'srbench-plugin-toy', 'sbt_toy', 'toy', 'ToyNet', lookups=True)
    bad = make_dist(root, 'srbench-plugin-broken', 'sbt_broken', 'broken', 'BrokenNet', broken=True)
    old = make_dist(root, 'srbench-plugin-old', 'sbt_old', 'old', 'OldNet', old_style=True)
    liar = make_dist(root, 'srbench-plugin-liar', 'sbt_liar', 'liar', 'LiarNet', old_style=True,
                     components={'MODELS': ['LiarNet', 'MissingNet']})
    return install([good, bad, old, liar], root / 'site')


def test_plugins_command_lists_first_party_plugins():
    p = run_tool(['-m', 'srbench', 'plugins'])
    assert p.returncode == 0, p.stderr
    rows = {}
    for line in p.stdout.splitlines():
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if len(cells) == 6 and cells[0] not in ('name', '') and not set(cells[0]) <= set('-:'):
            rows[cells[0]] = cells
    for name, comp in (('bicubic', 'Bicubic'), ('espcn', 'ESPCN')):
        assert name in rows, p.stdout
        _, dist, version, status, components, meta = rows[name]
        assert dist == 'srbench' and version and status == 'ok'
        assert f'MODELS: {comp}' in components and 'input=lr' in meta and 'channels=' in meta


def test_installed_plugin_is_listed_and_builds_from_config(toy_env):
    rows = plugin_rows(toy_env)
    toy = rows['toy']
    assert toy['status'] == 'ok' and toy['distribution'] == 'srbench-plugin-toy' and toy['version'] == '0.3.1'
    # what the plugin registered, read from the registries (the declaration names only its network)
    assert toy['components'] == {'MODELS': ['ToyNet', 'ToyNetLoss']}
    assert toy['models']['ToyNet'] == dict(input='lr', channels='y', scales=[2], multiscale=False,
                                           trainable=True, size=dict(minimum=1, multiple_of=1))
    p = run_tool(['-c', BUILD, 'ToyNet'], env=toy_env)
    assert p.returncode == 0, p.stderr[-3000:]
    assert 'built ToyNet toy (1, 1, 14, 18)' in p.stdout


def test_old_style_declaration_still_works_and_its_components_are_checked(toy_env):
    """Plugins written for srbench 0.1 import ``srbench.plugins`` and list ``components``: they still load,
    and a listed name their modules do not register fails the plugin (and only it)."""
    rows = plugin_rows(toy_env)
    assert rows['old']['status'] == 'ok' and rows['old']['components'] == {'MODELS': ['OldNet']}
    assert rows['liar']['status'] == 'failed'
    assert rows['liar']['error'] == 'declares components its modules did not register: MODELS.MissingNet'
    assert rows['liar']['components'] == {}
    p = run_tool(['-c', 'from srbench.registry import MODELS; print(MODELS.get("LiarNet"))'], env=toy_env)
    assert p.returncode == 0 and p.stdout.strip().splitlines()[-1] == 'None', p.stderr[-2000:]   # rolled back


def test_plugin_module_sees_the_plugins_discovered_before_it(toy_env):
    """A plugin's module that looks plugins up at import time (during discovery) sees those loaded before
    it (entry points load in name order), not an empty list."""
    code = ('from srbench.discovery import records; records(); import sbt_toy.arch as a; '
            'print(a.SEEN, a.ESPCN_PAPER)')
    p = run_tool(['-c', code], env=toy_env)
    assert p.returncode == 0, p.stderr[-3000:]
    seen, year = p.stdout.strip().splitlines()[-1].rsplit(' ', 1)
    assert year == '2016'
    assert "'espcn'" in seen and "'old'" in seen and "'vdsr'" not in seen and "'toy'" not in seen, seen


def test_broken_plugin_is_reported_and_skipped(toy_env):
    rows = plugin_rows(toy_env)
    assert rows['broken']['status'] == 'failed'
    assert 'nonexistent_dependency_xyz' in rows['broken']['error']
    assert rows['espcn']['status'] == 'ok' and rows['toy']['status'] == 'ok'
    # the others still build
    p = run_tool(['-c', BUILD.replace("scale=2", "scale=3").replace("[dict(scale=2)]", "[dict(scale=3)]"),
                  'ESPCN'], env=toy_env)
    assert p.returncode == 0 and 'built ESPCN espcn (1, 1, 21, 27)' in p.stdout, p.stderr[-3000:]
    # building the broken plugin's model names the failed plugin
    p = run_tool([REPO / 'tools' / 'train.py', REPO / 'configs' / 'espcn_x3.py', '--cfg-options',
                  'model.generator.type=BrokenNet'], env=toy_env)
    line = error_line(p)
    assert "unknown model type 'BrokenNet'" in line and 'broken (failed:' in line


def test_name_clash_is_one_clear_error_naming_both_distributions(tmp_path):
    # one declared the 0.1 way (with components), one the current way: the clash is found either way
    a = make_dist(tmp_path, 'srbench-plugin-clash-a', 'sbt_clash_a', 'clash_a', 'ClashNet', version='1.0',
                  old_style=True)
    b = make_dist(tmp_path, 'srbench-plugin-clash-b', 'sbt_clash_b', 'clash_b', 'ClashNet', version='2.0',
                  first_cls='ClashHelper')
    env = install([a, b], tmp_path / 'site')
    line = error_line(run_tool(['-m', 'srbench', 'plugins'], env=env))
    assert 'srbench-plugin-clash-a 1.0' in line and 'srbench-plugin-clash-b 2.0' in line
    assert "'ClashNet'" in line
    # asked again in the same process, the same error (what clash_b registered before the clash was removed)
    code = ('from srbench.discovery import records\n'
            'msgs = []\n'
            'for _ in range(2):\n'
            '    try:\n'
            '        records()\n'
            '    except Exception as e:\n'
            '        msgs.append(f"{type(e).__name__}: {e}")\n'
            'print(len(msgs), msgs[0] == msgs[-1], msgs[-1])')
    p = run_tool(['-c', code], env=env)
    assert p.returncode == 0, p.stderr[-3000:]
    assert p.stdout.strip().splitlines()[-1].startswith("2 True PluginConflictError: plugin 'clash_b' "
                                                        "(distribution srbench-plugin-clash-b 2.0) registers "
                                                        "'ClashNet'"), p.stdout
    # the same error stops a build, and disabling one of them resolves it
    line = error_line(run_tool([REPO / 'tools' / 'train.py', REPO / 'configs' / 'espcn_x3.py'], env=env))
    assert 'srbench-plugin-clash-a' in line and 'srbench-plugin-clash-b' in line
    env['SRBENCH_PLUGINS_DISABLE'] = 'clash_b'
    rows = plugin_rows(env)
    assert rows['clash_a']['status'] == 'ok' and rows['clash_b']['status'] == 'disabled'


def test_clash_with_core_name(tmp_path):
    d = make_dist(tmp_path, 'srbench-plugin-core-clash', 'sbt_core_clash', 'coreclash', 'SRModel')
    env = install([d], tmp_path / 'site')
    line = error_line(run_tool(['-m', 'srbench', 'plugins'], env=env))
    assert 'srbench-plugin-core-clash' in line and 'srbench core' in line and "'SRModel'" in line


def test_disable_and_autoload_switches(tmp_path):
    env = tool_env(SRBENCH_PLUGINS_DISABLE='espcn')
    rows = plugin_rows(env)
    assert rows['espcn']['status'] == 'disabled' and rows['bicubic']['status'] == 'ok'
    line = error_line(run_tool([REPO / 'tools' / 'train.py', REPO / 'configs' / 'espcn_x3.py'], env=env))
    assert "unknown model type 'ESPCN'" in line and 'espcn (disabled)' in line

    env = tool_env(SRBENCH_PLUGINS_AUTOLOAD='0')
    p = run_tool(['-m', 'srbench', 'plugins', '--json'], env=env)
    assert p.returncode == 0 and json.loads(p.stdout) == []
    # with autoload off a config's explicit import still works, metadata included
    script = BUILD.replace("cfg = Config(", "import importlib; "
                           "importlib.import_module('srbench_plugins.espcn.espcn_arch')\n"
                           "cfg = Config(").replace('scale=2', 'scale=3')
    p = run_tool(['-c', script, 'ESPCN'], env=env)
    assert p.returncode == 0 and 'built ESPCN espcn (1, 1, 21, 27)' in p.stdout, p.stderr[-3000:]


def test_autoload_off_config_custom_imports_trains(tmp_path, photos):
    cfg = tmp_path / 'espcn_x3_explicit.py'
    cfg.write_text(f"""_base_ = [{str(REPO / 'configs' / 'espcn_x3_demo.py')!r}]
custom_imports = dict(imports=['srbench_plugins.espcn.espcn_arch'], allow_failed_imports=False)
train_dataloader = dict(batch_size=2, num_workers=0, persistent_workers=False,
                        dataset=dict(hr_dir={photos[0]!r}, patch_size=8, length=8))
train_cfg = dict(max_iters=2)
custom_hooks = []
""")
    env = tool_env(SRBENCH_PLUGINS_AUTOLOAD='0')
    p = run_tool([REPO / 'tools' / 'train.py', cfg, '--work-dir', tmp_path / 'wd'], env=env)
    assert p.returncode == 0, p.stderr[-3000:]
    assert (tmp_path / 'wd' / 'iter_2.pth').is_file()
    # without the explicit import the model is unknown
    explicit = ("custom_imports = dict(imports=['srbench_plugins.espcn.espcn_arch'], "
                "allow_failed_imports=False)")
    cfg.write_text(cfg.read_text().replace(explicit, ''))
    line = error_line(run_tool([REPO / 'tools' / 'train.py', cfg, '--work-dir', tmp_path / 'wd2'], env=env))
    assert "unknown model type 'ESPCN'" in line and 'SRBENCH_PLUGINS_AUTOLOAD=0' in line
