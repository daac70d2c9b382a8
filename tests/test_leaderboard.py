"""tools/leaderboard.py: the seed's table layout, ours/paper from the plugins' reference numbers, and
no silent comparison across protocols. Results are small hand-made results dicts/files in the format
of tools/test.py (srbench.apis.test)."""
import json
import runpy
import sys

import pytest

from conftest import TOOLS
from srbench.apis.leaderboard import build_board, build_leaderboard, leaderboard, render_board, table_notes
from srbench.apis.report import results_table
from srbench.apis.tables import render
from srbench.errors import ConfigError, DataError


def result_row(ds, scale, metrics, name='matlab', channel='y', lr='rgb-uint8', border=None):
    prot = {k: dict(name=name, channel=channel, crop_border=scale if border is None else border)
            for k in metrics}
    return dict(dataset=ds, scale=scale, num_images=5, metrics=metrics,
                protocol=dict(metrics=prot, data=dict(lr_protocol=lr, lr='how the LR was made')),
                per_image=[])


def results(rows, generator='Bicubic', plugin='bicubic', date='2026-11-25T10:00:00+00:00'):
    return dict(format='srbench-results/1', date=date,
                model=dict(type='SRModel', generator=generator, plugin=plugin), results=rows, skipped=[])


BICUBIC = [result_row('Set14', s, dict(PSNR=p, SSIM=q, IFC=i)) for s, p, q, i in
           ((2, 30.2183, 0.86831, 5.7430), (3, 27.5303, 0.77372, 3.3280), (4, 25.9903, 0.70231, 2.1801))] + \
          [result_row('Set5', s, dict(PSNR=p, SSIM=q, IFC=i)) for s, p, q, i in
           ((3, 30.3850, 0.86781, 3.4527), (2, 33.6397, 0.92921, 5.7156), (4, 28.4165, 0.81011, 2.2787))] + \
          [result_row('Urban100', 2, dict(PSNR=26.8697, SSIM=0.8397, IFC=float('inf')))]


def cells(line):
    return [c.strip() for c in line.strip().strip('|').split('|')]


def header(md):
    return cells(next(ln for ln in md.splitlines() if ln.startswith('| Dataset')))


def row(md, dataset, scale=None):
    """The cells of a data set's row (of one scale with per-scale rows)."""
    for ln in md.splitlines():
        c = cells(ln) if ln.startswith('|') else []
        if c and c[0] == dataset and (scale is None or c[1] == scale):
            return c
    raise AssertionError(f'no row {dataset} {scale} in\n{md}')


def write(tmp_path, name, obj):
    p = tmp_path / name
    p.write_text(json.dumps(obj))
    return p


def test_seed_layout_with_paper_numbers(tmp_path):
    md = build_leaderboard([write(tmp_path, 'r.json', results(BICUBIC))])
    assert header(md) == ['Dataset', 'Scale', 'PSNR (ours/seed/literature)', 'SSIM (ours/seed/literature)',
                          'IFC (ours/seed/literature)']
    rows = [cells(ln)[0] for ln in md.splitlines() if ln.startswith('|')][2:]
    assert rows == ['Set5', 'Set14', 'Urban100']                                    # the seed's order
    assert row(md, 'Set5')[1:] == ['x2<br />x3<br />x4',
                                   '33.64/33.64/-<br />30.39/30.39/-<br />28.42/28.42/-',
                                   '0.9292/0.9292/-<br />0.8678/0.8678/-<br />0.8101/0.8101/-',
                                   '5.72/5.72/-<br />3.45/3.45/-<br />2.28/2.28/-']
    assert row(md, 'Set14')[4] == '5.74/5.74/-<br />3.33/3.33/-<br />2.18/2.18/-'
    # Urban100 x2: the seed's number is marked (another protocol: SelfExSR's half-resolution HR), and so is
    # the literature's (LR made from Y in double precision, ours from RGB uint8); inf prints as inf
    assert row(md, 'Urban100')[2:] == ['26.87/26.66†/26.88†', '0.8397/0.8408†/0.8403†', 'inf/5.72†/-']
    assert 'lr_protocol selfexsr-half-res (ours: rgb-uint8)' in md
    assert 'lr_protocol y-double (ours: rgb-uint8)' in md
    assert 'Protocol: PSNR, SSIM, IFC: protocol `matlab`, Y, border = scale; LR `rgb-uint8`' in md


def test_no_plugin_no_reference_and_selection(tmp_path):
    md = build_leaderboard([results(BICUBIC[:3], generator='MyNet', plugin=None)], metrics=['SSIM', 'PSNR'])
    assert header(md) == ['Dataset', 'Scale', 'SSIM', 'PSNR']
    assert row(md, 'Set14')[2:] == ['0.8683<br />0.7737<br />0.7023', '30.22<br />27.53<br />25.99']
    with pytest.raises(ConfigError, match='--metrics: LPIPS not in the results of MyNet'):
        build_leaderboard([results(BICUBIC[:3], generator='MyNet', plugin=None)], metrics=['LPIPS'])
    md = build_leaderboard([results(BICUBIC)], refs=['none'])
    assert header(md) == ['Dataset', 'Scale', 'PSNR', 'SSIM', 'IFC'] and 'ours/' not in md
    md = build_leaderboard([results(BICUBIC)], refs=['lit*'], metrics=['PSNR'])
    assert header(md)[2] == 'PSNR (ours/literature)' and row(md, 'Set5')[2].startswith('33.64/-<br />')


def test_per_scale_rows(tmp_path):
    md = build_leaderboard([results(BICUBIC[:3])], merge_scales=False, refs='seed', metrics=['PSNR'])
    assert row(md, 'Set14', 'x3') == ['Set14', 'x3', '27.53/27.53'] and '<br />' not in md


def test_protocols_are_never_merged_or_compared_silently(tmp_path):
    basicsr = results([result_row('Set5', 2, dict(PSNR=33.70, SSIM=0.9300), name='basicsr')])
    ydouble = results([result_row('Set5', 2, dict(PSNR=33.66, SSIM=0.9299), lr='y-double')],
                      generator='BicubicY')
    md = build_leaderboard([results(BICUBIC[3:6]), basicsr, ydouble], metrics=['PSNR'])
    sections = [s for s in md.split('\n## ') if s.startswith('Bicubic')]
    assert len(sections) == 3                           # matlab, basicsr (same model: two tables), BicubicY
    assert sections[0].startswith('Bicubic (plugin `bicubic`) -- protocol `matlab`')
    assert sections[1].startswith('Bicubic (plugin `bicubic`) -- protocol `basicsr`')
    assert row(sections[1], 'Set5')[2] == '33.70/33.64†' and 'name matlab (ours: basicsr)' in sections[1]
    assert row(sections[0], 'Set5')[2].startswith('33.64/33.64<br />') and '†' not in sections[0]
    assert sections[2].startswith('BicubicY') and row(sections[2], 'Set5')[2] == '33.66/33.64†'
    assert 'lr_protocol rgb-uint8 (ours: y-double)' in sections[2]


def test_newest_of_duplicate_results_wins(tmp_path):
    old = write(tmp_path, 'old.json', results([result_row('Set5', 2, dict(PSNR=30.0))], date='2026-01-01'))
    new = write(tmp_path, 'new.json', results([result_row('Set5', 2, dict(PSNR=31.0))], date='2026-02-01'))
    md = build_leaderboard([new, old], refs='none')
    assert '31.00' in md and '30.00' not in md
    assert f'showing the newer ({new}' in md


def test_reference_labels_are_data_driven(tmp_path):
    espcn = results([result_row('Set5', 3, dict(PSNR=32.50))], generator='ESPCN', plugin='espcn')
    md = build_leaderboard([espcn])
    col = header(md)[2]
    assert col.startswith('PSNR (ours/paper (91 images)/') and col.count('/') >= 2   # espcn's paper.json
    assert row(md, 'Set5')[2].startswith('32.50/')


def test_table_model_holds_values_and_marks_as_data():
    """build_board computes a plain model (numbers, marks, notes from the cells); rendering is separate."""
    board = build_board([results(BICUBIC)])
    [sec] = board.sections
    t = sec.table
    assert (t.metrics, t.labels, t.decimals) == (['PSNR', 'SSIM', 'IFC'], ['seed', 'literature'],
                                                 {'PSNR': 2, 'SSIM': 4, 'IFC': 2})
    assert [(r.dataset, r.scales) for r in t.rows] == [('Set5', [2, 3, 4]), ('Set14', [2, 3, 4]),
                                                       ('Urban100', [2])]
    [psnr] = t.rows[2].cells[0]
    ours, seed, lit = psnr.values
    assert (psnr.dataset, psnr.scale, psnr.metric) == ('Urban100', 2, 'PSNR')
    assert ours.source == 'ours' and ours.value == 26.8697 and not ours.mismatch
    assert seed.source == 'seed' and seed.value == 26.66 and seed.note
    assert 'selfexsr-half-res' in seed.mismatch
    assert lit.value == 26.88 and lit.mismatch == 'lr_protocol y-double (ours: rgb-uint8)'
    assert t.rows[0].cells[0][0].values[1].mismatch == ''                   # Set5 x2: same protocol
    md = render_board(board)
    assert md == build_leaderboard([results(BICUBIC)])
    notes = table_notes(t)
    assert all(f'- {n}' in md for n in notes) and sum(n.startswith('† ') for n in notes) == 2
    # the model is data: drop the references and render again -- no reference column, no † note
    t.labels = []
    for c in t.cells():
        c.values[1:] = []
    assert '(ours' not in render(t) and '†' not in render(t) and table_notes(t) == []
    first = render(t).splitlines()[2]
    assert first.startswith('| Set5      | x2<br />x3<br />x4 | 33.64<br />30.39<br />28.42 |')


def test_decimals_come_from_the_metric_classes(tmp_path):
    from srbench.metrics import SRMetric
    from srbench.registry import METRICS

    class Sharpness(SRMetric):
        metric_name = 'Sharpness'
        decimals = 3
    METRICS.register_module(name='TestOnlySharpnessMetric', module=Sharpness)
    try:
        r = results([result_row('Set5', 2, dict(PSNR=30.123456, Sharpness=1.23456, lpips=0.123456))],
                    plugin=None)
        md = build_leaderboard([r])
        assert header(md) == ['Dataset', 'Scale', 'PSNR', 'Sharpness', 'lpips']
        assert row(md, 'Set5')[2:] == ['30.12', '1.235', '0.1235']    # 2 (PSNR), 3 (class), 4 (default)
    finally:
        METRICS._module_dict.pop('TestOnlySharpnessMetric', None)
    assert row(build_leaderboard([r]), 'Set5')[3] == '1.2346'


def test_results_table_uses_the_same_model():
    r = results([result_row('Set5', 2, dict(PSNR=float('inf'), PSNR_num_inf=5.0, SSIM=1.0)),
                 result_row('Set14', 3, dict(PSNR=30.0, SSIM=0.9))], plugin=None)
    text = results_table(r).splitlines()
    assert text[0] == 'Bicubic (no plugin)'
    assert cells(text[1]) == ['Dataset', 'Scale', 'Images', 'PSNR', 'PSNR_num_inf', 'SSIM']
    assert cells(text[3]) == ['Set5', 'x2', '5', 'inf', '5.0000', '1.0000']      # rows in the file's order
    assert cells(text[4]) == ['Set14', 'x3', '5', '30.00', '-', '0.9000']
    assert text[5] == 'Protocol: PSNR, PSNR_num_inf, SSIM: protocol `matlab`, Y, border = scale; ' \
                      'LR `rgb-uint8` ' \
                      '(how the LR was made)'


@pytest.mark.parametrize('content, match', [
    (None, 'results file does not exist'),
    ('{not json', 'is not valid JSON'),
    (json.dumps({'format': 'something-else', 'results': []}), 'not an srbench results file'),
    (json.dumps([1, 2]), r'not an srbench results file \(expected a JSON object, got a list\)'),
    (json.dumps(dict(results(BICUBIC[:1]), format='srbench-results/99')),
     '"srbench-results/99" is not a version this srbench reads .*update srbench'),
    (json.dumps(dict(results(BICUBIC[:1]), results=[{'dataset': 'Set5'}])),
     r'results\[0\]\.scale: missing; expected the scale'),
    (json.dumps(dict(results(BICUBIC[:2]), results=[BICUBIC[0], dict(BICUBIC[1], scale='two')])),
     r"results\[1\]\.scale: expected an integer, got str 'two'"),
    (json.dumps(dict(results(BICUBIC[:1]), results=[dict(BICUBIC[0], metrics={'PSNR': [1]})])),
     r'results\[0\]\.metrics\.PSNR: expected a number, got a list'),
    (json.dumps({k: v for k, v in results(BICUBIC[:1]).items() if k != 'model'}),
     'model: missing; expected the model record'),
    (json.dumps(dict(results(BICUBIC[:1]), checkpoint={'sha256': 'abc'})),
     'checkpoint.path: missing'),
])
def test_bad_results_files(tmp_path, content, match):
    p = tmp_path / 'bad.json'
    if content is not None:
        p.write_text(content)
    with pytest.raises(DataError, match=match) as e:
        build_leaderboard([p])
    assert 'bad.json' in str(e.value)


def test_tool(tmp_path, monkeypatch, capsys):
    good = write(tmp_path, 'r.json', results(BICUBIC[3:6]))
    out = tmp_path / 'md' / 'board.md'

    def run(*args):
        monkeypatch.setattr(sys, 'argv', [str(TOOLS / 'leaderboard.py'), *map(str, args)])
        capsys.readouterr()
        code = 0
        try:
            runpy.run_path(str(TOOLS / 'leaderboard.py'), run_name='__main__')
        except SystemExit as e:
            code = e.code
        return code, capsys.readouterr()

    code, cap = run(good, '--out', out, '--metrics', 'PSNR', 'SSIM')
    assert code == 0 and 'leaderboard written to' in cap.err
    text = out.read_text()
    assert text == leaderboard([good], metrics=['PSNR', 'SSIM']) and '33.64/33.64' in text
    assert [p.name for p in out.parent.iterdir()] == ['board.md']          # no temporary file left
    code, cap = run(good, '--refs', 'none')
    assert code == 0 and cap.out.startswith('# Leaderboard') and '33.64<br />' in cap.out
    code, cap = run(tmp_path / 'missing.json')
    assert code == 2 and cap.err.startswith('srbench: error: results file does not exist')
    assert 'missing.json' in cap.err
