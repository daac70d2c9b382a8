"""The ``srbench`` command: subcommands and their help, ``--version``, a misspelt command, one error line for
config errors whose message is empty, ``srbench plugins`` warnings for missing package data, and the tools in
tools/ taking the same options as their subcommands."""
from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest

from conftest import REPO, error_line, run_tool, tool_env
from srbench import cli


def run_main(capsys, *argv):
    """``srbench argv...`` in this process: (exit status, stdout, stderr)."""
    capsys.readouterr()
    try:
        rc = cli.main([str(a) for a in argv])
    except SystemExit as e:
        rc = e.code
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_version_names_srbench_torch_and_mmengine():
    p = run_tool(['-m', 'srbench', '--version'])
    assert p.returncode == 0, p.stderr
    import mmengine
    import torch
    line = p.stdout.strip()
    assert line.startswith('srbench 0.1.0 (torch ') and f'mmengine {mmengine.__version__}' in line
    assert torch.__version__.split('+')[0] in line


def test_misspelt_command_gets_the_close_matches():
    line = error_line(run_tool(['-m', 'srbench', 'trian', 'espcn_x3']))
    assert line.startswith("srbench: error: unknown command 'trian'; did you mean 'train'?")
    line = error_line(run_tool(['-m', 'srbench', 'plugin']))
    assert "did you mean 'plugins'" in line
    line = error_line(run_tool(['-m', 'srbench', 'zzz']))
    assert 'did you mean' not in line and 'commands: train, test,' in line


def test_every_command_and_argument_has_a_help_line():
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert [c.dest for c in sub._choices_actions] == [n for n, _ in cli.COMMANDS]
    for choice in sub._choices_actions:
        assert choice.help and choice.help[0].islower(), choice.dest
    for name, p in sub.choices.items():
        for a in p._actions:
            if a.help == argparse.SUPPRESS or isinstance(a, argparse._HelpAction):
                continue
            assert a.help, f'srbench {name}: {a.option_strings or a.dest} has no help line'


def test_tools_take_the_options_of_their_subcommands():
    for tool, cmd in (('train', 'train'), ('test', 'test'), ('leaderboard', 'leaderboard'),
                      ('data_aug', 'data-aug'), ('create_lmdb', 'create-lmdb')):
        p = run_tool([REPO / 'tools' / f'{tool}.py', '--help'], env=tool_env())
        q = run_tool(['-m', 'srbench', cmd, '--help'])
        assert p.returncode == q.returncode == 0, p.stderr + q.stderr
        opts = lambda s: sorted(set(w for w in s.replace('[', ' ').replace(']', ' ').split()   # noqa: E731
                                    if w.startswith('--')))
        assert opts(p.stdout) == opts(q.stdout) and opts(p.stdout), tool


def test_data_aug_formats_equal_the_writers():
    from srbench.apis.data_aug import FORMATS
    from srbench.cli import data_aug
    assert data_aug.FORMATS == FORMATS


@pytest.mark.parametrize('body,says', [
    ('raise IndexError()\n', 'IndexError'),                                 # an exception with no message
    ("import os\nfrom srbench.data.benchmarks import test_loader\nmodel = dict(type='SRModel')\n"
     "test_dataloader = [test_loader('Set5', 2)]\n",
     'RuntimeError; MMEngine reads a config that imports before any _base_ as a "lazy import" config'),
])
def test_config_errors_with_an_empty_message_are_one_line(tmp_path, body, says):
    """A config without _base_ that imports first: MMEngine raises a RuntimeError with no message (the
    handler used to crash on it with an IndexError traceback)."""
    cfg = tmp_path / 'bad_x2.py'
    cfg.write_text(body)
    line = error_line(run_tool(['-m', 'srbench', 'test', cfg], cwd=tmp_path))
    assert line.startswith(f'srbench: error: cannot read config {cfg}: {says}'), line


def test_describe_exception():
    from srbench.errors import describe_exception
    assert describe_exception(IndexError()) == 'IndexError'
    assert describe_exception(ValueError('a\nb')) == 'ValueError: a'
    assert describe_exception(KeyError('')) == "KeyError: ''"


def test_unknown_config_name_and_prefix(capsys):
    rc, _, err = run_main(capsys, 'test', 'espcn_x9')
    assert rc == 2 and err.strip().splitlines()[-1] == 'srbench: error: config file not found: espcn_x9'
    rc, _, err = run_main(capsys, 'test', 'nosuch::x.py')
    assert rc == 2 and "unknown prefix 'nosuch' (known: srbench, bicubic," in err


def test_configs_lists_every_packaged_config_with_its_plugin(capsys):
    rc, out, _ = run_main(capsys, 'configs', '--json')
    rows = {r['name']: r for r in json.loads(out)}
    assert rc == 0 and set(rows) == {p.stem for p in REPO.glob('plugins/*/configs/*.py')}
    assert rows['vdsr_x234']['scales'] == '2,3,4' and rows['vdsr_x234']['plugin'] == 'vdsr'
    assert rows['rcan_x4_div2k']['scales'] == '4' and rows['rcan_x4_div2k']['model'] == 'RCAN'
    assert rows['bicubic_x234']['data'] == 'test only'
    assert rows['espcn_x3']['title'].startswith('ESPCN x3 -- Shi et al.')
    rc, out, _ = run_main(capsys, 'configs', 'srcnn_x3_*')
    assert rc == 0 and out.count('| srcnn ') == 8 and 'srcnn_x2_915' not in out   # 4 recipes + 4 released models


def _fake_dist(root, reference=True, configs=True):
    """A plugin distribution as an installed one looks (package + dist-info with its entry point)."""
    pkg = root / 'srbench_plugin_warn'
    pkg.mkdir(parents=True)
    (pkg / '__init__.py').write_text(
        'from srbench.spec import Plugin\n'
        "plugin = Plugin(name='warn', configs='configs', reference='paper.json')\n")
    if reference:
        (pkg / 'paper.json').write_text('{"results": []}')
    if configs:
        (pkg / 'configs').mkdir()
    di = root / 'srbench_plugin_warn-0.2.dist-info'
    di.mkdir()
    (di / 'METADATA').write_text('Metadata-Version: 2.1\nName: srbench-plugin-warn\nVersion: 0.2\n')
    (di / 'entry_points.txt').write_text('[srbench.plugins]\nwarn = srbench_plugin_warn:plugin\n')


def test_plugins_warns_about_a_missing_reference_file_and_configs_folder(tmp_path):
    _fake_dist(tmp_path / 'bad', reference=False, configs=False)
    _fake_dist(tmp_path / 'good')
    for site, warned in ((tmp_path / 'bad', True), (tmp_path / 'good', False)):
        env = tool_env(PYTHONPATH=site)
        p = subprocess.run([sys.executable, '-m', 'srbench', 'plugins'], env=env, capture_output=True,
                           text=True, timeout=300, cwd=str(tmp_path))
        assert p.returncode == 0, p.stderr[-3000:]
        row = next(ln for ln in p.stdout.splitlines() if ln.startswith('| warn '))
        warnings = [ln for ln in p.stdout.splitlines() if ln.startswith("warning: plugin 'warn':")]
        if warned:
            assert '| ok, with warnings ' in row
            assert len(warnings) == 2 and 'paper.json does not exist' in warnings[0]
            assert 'configs does not exist' in warnings[1]
        else:
            assert '| ok ' in row and not warnings
