"""Cross-model summary tables (golden md / csv / json from fixed results in tests/data/summary/), filters,
the update mode, and the figures (trade-off plot, comparison crops)."""
import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from srbench.apis.leaderboard import (SUMMARY_BEGIN, SUMMARY_END, build_summary, replace_marked_section,
                                      summary)
from srbench.errors import DataError

DATA = Path(__file__).resolve().parent / 'data' / 'summary'
FILES = [DATA / n for n in ('espcn.json', 'srcnn.json', 'bicubicy.json', 'espcn_uint8.json')]


def _norm(text: str) -> str:
    return text.replace(str(DATA) + os.sep, '{DATA}/')


@pytest.mark.parametrize('fmt', ['md', 'csv', 'json'])
def test_summary_golden(fmt):
    """The expected files were checked by hand once (bold = best per column, one table per protocol, the
    protocol line under every table); regenerate them only on purpose."""
    got = _norm(summary(FILES, fmt=fmt))
    assert got == (DATA / f'golden.{fmt}').read_text(encoding='utf-8')


def test_mixed_protocols_stay_apart():
    tables = build_summary(FILES)
    set5_x3 = [t for t in tables if (t.dataset, t.scale) == ('Set5', 3)]
    assert len(set5_x3) == 2
    assert [r.model for r in set5_x3[0].rows] == ['ESPCN', 'SRCNN', 'BicubicY']
    assert [r.model for r in set5_x3[1].rows] == ['ESPCN'] and 'rgb-uint8' in set5_x3[1].protocol
    assert set5_x3[0].best('PSNR') == 32.55 and 'rgb-uint8' not in set5_x3[0].protocol


def test_filters():
    t = build_summary(FILES, datasets=['set14'], models=['SR*'])
    assert [(x.dataset, x.scale, [r.model for r in x.rows]) for x in t] == [('Set14', 3, ['SRCNN'])]
    assert [x.scale for x in build_summary(FILES, scales=[2])] == [2]
    with pytest.raises(DataError, match='filters'):
        build_summary(FILES, datasets=['Urban100'])


def test_update_rewrites_only_the_marked_section(tmp_path):
    readme = tmp_path / 'README.md'
    before, after = '# Title\n\ntext before\n', '\ntext after\n'
    readme.write_text(f'{before}{SUMMARY_BEGIN}\nold table\n{SUMMARY_END}{after}')
    summary(FILES, update=readme, scales=[2])
    text = readme.read_text()
    assert text.startswith(before + SUMMARY_BEGIN + '\n## Set5 x2') and text.endswith(SUMMARY_END + after)
    assert 'old table' not in text and '# Summary' not in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ['README.md']           # atomic: no temporary left
    with pytest.raises(DataError, match='expected one'):
        replace_marked_section('no markers', 'x')


def _decode(path):
    img = cv2.imread(str(path))
    assert img is not None, f'{path} is not a decodable PNG'
    assert Path(path).read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    return img


def test_tradeoff_plot(tmp_path):
    pytest.importorskip('matplotlib', reason='figures need matplotlib (the reports extra)')
    from srbench.apis.figures import tradeoff_plot
    res = tradeoff_plot(FILES, 'Set5', 3, x='params', out=tmp_path / 'psnr_params.png')
    assert [p[0] for p in res['points']] == ['ESPCN', 'SRCNN'] and res['missing'] == ['BicubicY']
    assert res['points'][0][1:] == (22624.0, 32.55)
    assert _decode(res['out']).shape == (480, 640, 3)
    rt = tradeoff_plot(FILES, 'Set14', 3, x='runtime', out=tmp_path / 'psnr_runtime.png')
    assert len(rt['points']) == 2 and _decode(rt['out']).shape == (480, 640, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ['psnr_params.png', 'psnr_runtime.png']


def test_compare_crops(tmp_path):
    pytest.importorskip('matplotlib', reason='figures need matplotlib (the reports extra)')
    from srbench.apis.figures import compare
    from srbench.transforms.imresize import imresize_np
    rng = np.random.default_rng(0)
    hr = cv2.GaussianBlur(rng.integers(0, 256, (48, 60, 3), dtype=np.uint8), (7, 7), 2)
    cv2.imwrite(str(tmp_path / 'img.png'), hr)
    hr_rgb = cv2.cvtColor(hr, cv2.COLOR_BGR2RGB)
    saved = tmp_path / 'runA' / 'Tiny' / 'x2'
    saved.mkdir(parents=True)
    cv2.imwrite(str(saved / 'img.png'), hr)                     # a perfect "model"
    res = compare('img', (8, 4, 20, 16), [tmp_path / 'runA'], tmp_path / 'img.png', 2,
                  out=tmp_path / 'cmp.png', labels=['Perfect'])
    names = [p[0] for p in res['panels']]
    assert names == ['HR', 'Bicubic', 'Perfect'] and res['panels'][2][1] == float('inf')
    bic = imresize_np(imresize_np(hr_rgb, 0.5), 2.0)
    assert res['panels'][1][1] < 60 and res['panels'][1][2] < 1
    assert bic.shape == hr_rgb.shape
    img = _decode(res['out'])
    assert img.shape[0] == 270 and img.shape[1] == int(2.2 * 3 * 100)
