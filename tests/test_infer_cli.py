"""The new subcommand modules (srbench/cli/infer.py, complexity.py, compare.py) parse and run through the
shared error handler; srbench.apis.complexity reports what the analytic counts say."""
import argparse
from pathlib import Path

import cv2
import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]


def parse(module, argv):
    p = argparse.ArgumentParser()
    module.add_arguments(p)
    return p.parse_args(argv)


def test_complexity_report_of_srcnn():
    from srbench.apis.complexity import complexity_report, format_report
    r = complexity_report(REPO / 'configs' / 'srcnn_x3_915.py', input_size=(256, 256), runtime=False)
    assert r['model'] == 'SRCNN' and r['scale'] == 3 and r['weights'] == 8032
    assert r['macs'] == 256 * 256 * 8032 and r['flops'] == 2 * r['macs']
    assert '526,385,152' in format_report(r)
    d = complexity_report(REPO / 'configs' / 'espcn_x3.py', repeats=1, warmup=0)
    assert d['input'] == [1, 240, 426] and d['runtime']['seconds'] > 0       # the LR of a 720p output


def test_cli_infer_exit_status(tmp_path, capsys):
    from srbench.apis.cli import run_cli
    from srbench.cli import infer as cli_infer
    rng = np.random.default_rng(0)
    cv2.imwrite(str(tmp_path / 'a.png'), rng.integers(0, 256, (8, 9, 3), dtype=np.uint8))
    a = parse(cli_infer, [str(REPO / 'configs' / 'bicubic_x234.py'), str(tmp_path / 'a.png'), '--out',
                          str(tmp_path / 'o'), '--scale', '2', '--tile', '4'])
    assert run_cli(cli_infer.run, a) == 0 and (tmp_path / 'o' / 'a.png').is_file()
    (tmp_path / 'b.png').write_text('broken')
    a = parse(cli_infer, [str(REPO / 'configs' / 'bicubic_x234.py'), str(tmp_path / 'a.png'),
                          str(tmp_path / 'b.png'), '--out', str(tmp_path / 'o2'), '--scale', '2'])
    assert run_cli(cli_infer.run, a) == 1
    a = parse(cli_infer, [str(REPO / 'configs' / 'bicubic_x234.py'), str(tmp_path / 'a.png'), '--out',
                          str(tmp_path / 'o3')])
    with pytest.raises(SystemExit) as e:
        run_cli(cli_infer.run, a)
    assert e.value.code == 2 and '--scale' in capsys.readouterr().err


def test_cli_compare_plot(tmp_path):
    pytest.importorskip('matplotlib', reason='figures need matplotlib (the reports extra)')
    from srbench.cli import compare as cli_compare
    data = REPO / 'tests' / 'data' / 'summary'
    a = parse(cli_compare, [str(data / 'espcn.json'), str(data / 'srcnn.json'), '--plot', 'params',
                            '--dataset', 'Set5', '--scale', '3', '--out', str(tmp_path / 'p.png')])
    assert cli_compare.run(a) == 0 and cv2.imread(str(tmp_path / 'p.png')) is not None
