"""docs/results.md cannot go stale: its marked section is exactly what the documented command
(``tools/make_docs_results.py``, i.e. ``srbench leaderboard docs/results --summary --paper --update``) makes
of the committed results JSONs; the committed figures are small valid PNGs and the plot command draws one
point per model of its table; the comparison step runs on a public-domain sample photo (with the released
files)."""
import importlib.util
import json
import shutil
from pathlib import Path

import cv2
import pytest

from srbench.apis.leaderboard import SUMMARY_BEGIN, SUMMARY_END, build_summary, render_summary, summary
from srbench.errors import DataError

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / 'docs'
RESULTS = DOCS / 'results'
WEIGHTS = next((p for p in (REPO.parent / 'shared' / 'weights', Path('/work/shared/weights')) if p.is_dir()),
               None)


def _tool():
    path = REPO / 'tools' / 'make_docs_results.py'
    spec = importlib.util.spec_from_file_location('make_docs_results', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _png(path) -> tuple:
    data = Path(path).read_bytes()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', f'{path} is not a PNG'
    img = cv2.imread(str(path))
    assert img is not None, f'{path} does not decode'
    return img.shape, len(data)


def test_results_are_small_results_files():
    files = sorted(RESULTS.rglob('*.json'))
    assert len(files) >= 20
    for f in files:
        d = json.loads(f.read_text())
        assert d['format'] == 'srbench-results/1', f
        assert f.stat().st_size < 100_000, f'{f} is {f.stat().st_size} bytes'
        assert all(r['dataset'] in ('Set5', 'Set14', 'BSD100', 'Urban100') for r in d['results'])
        assert d.get('complexity', {}).get('params') is not None, f'{f}: no complexity recorded'
        assert all('runtime' in r for r in d['results']), f'{f}: no runtime recorded'


def test_committed_table_is_what_the_command_makes(tmp_path):
    """The documented command's table step on a copy of docs/results.md: not one byte changes."""
    md = tmp_path / 'results.md'
    shutil.copy(DOCS / 'results.md', md)
    _tool().make_table(RESULTS, md)
    committed = (DOCS / 'results.md').read_text(encoding='utf-8')
    assert md.read_text(encoding='utf-8') == committed, \
        'docs/results.md is stale: run python tools/make_docs_results.py and commit the result'
    section = committed.split(SUMMARY_BEGIN)[1].split(SUMMARY_END)[0]
    assert section.count('\n## ') >= 8 and '**' in section and 'Paper PSNR / SSIM' in section
    assert section.count('Protocol: ') == section.count('\n## ')          # a protocol line under each table


def test_one_table_per_set_scale_protocol_and_bicubic_in_each():
    tables = build_summary([str(RESULTS)], paper=True)
    keys = [(t.dataset, t.scale, t.protocol) for t in tables]
    assert len(keys) == len(set(keys))
    for t in tables:
        names = [r.model for r in t.rows]
        assert len(names) == len(set(names)) and 'BicubicY' in names, (t.dataset, t.scale, names)
        assert t.rows[-1].model == 'BicubicY'                     # every network beats Bicubic
    vdsr = next(r for t in tables if (t.dataset, t.scale) == ('Set5', 2) for r in t.rows
                if r.model.startswith('VDSR'))
    assert vdsr.paper['metrics'] == {'PSNR': 37.53, 'SSIM': 0.9587}
    assert abs(vdsr.metrics['PSNR'] - 37.53) < 0.01


def test_the_documented_command_in_process(tmp_path, capsys):
    """tools/make_docs_results.py itself (without the comparison step) on copies: table unchanged, plot
    written, nothing else touched."""
    pytest.importorskip('matplotlib', reason='figures need matplotlib (the reports extra)')
    md = tmp_path / 'results.md'
    shutil.copy(DOCS / 'results.md', md)
    assert _tool().main(['--no-comparison', '--md', str(md), '--figures', str(tmp_path / 'fig')]) == 0
    assert md.read_text(encoding='utf-8') == (DOCS / 'results.md').read_text(encoding='utf-8')
    assert [p.name for p in (tmp_path / 'fig').iterdir()] == ['psnr_vs_params_Set5_x3.png']
    assert 'baseline BicubicY' in capsys.readouterr().out


def test_plot_command_draws_one_point_per_model(tmp_path):
    pytest.importorskip('matplotlib', reason='figures need matplotlib (the reports extra)')
    tool = _tool()
    r = tool.make_plot(RESULTS, tmp_path / 'p.png')
    t = build_summary([str(RESULTS)], datasets=[tool.PLOT['dataset']], scales=[tool.PLOT['scale']])[0]
    assert len(r['points']) == len(t.rows) - 1 >= 5 and [n for n, _ in r['baselines']] == ['BicubicY']
    assert _png(r['out'])[0] == (480, 640, 3)
    shape, size = _png(DOCS / 'figures' / tool.PLOT['name'])
    assert shape == (480, 640, 3) and size < 300_000


def test_committed_comparison_figure_is_small():
    shape, size = _png(DOCS / 'figures' / _tool().COMPARE_NAME)
    assert size < 300_000 and shape[0] == 270 and shape[1] > 4 * shape[0]


def test_folder_argument_errors(tmp_path):
    with pytest.raises(DataError, match='no results JSON'):
        summary([str(tmp_path)])
    (tmp_path / 'other.json').write_text('[1, 2]')                  # not a results file: passed over
    with pytest.raises(DataError, match='no results JSON'):
        summary([str(tmp_path)])
    (tmp_path / 'broken.json').write_text('{"format": "srbench-res')  # malformed: reported, not skipped
    with pytest.raises(DataError, match='broken.json'):
        summary([str(tmp_path)])


def test_paper_column():
    """The Paper column (build_summary(paper=True)) on the fixed results of tests/data/summary (a folder
    that also holds golden.json / .csv: not results, passed over); without paper= there is no column."""
    data = REPO / 'tests' / 'data' / 'summary'
    t = build_summary([str(data)], paper=True, datasets=['Set5'], scales=[3])[0]
    rows = {r.model: r for r in t.rows}
    assert rows['SRCNN'].paper == dict(metrics={'PSNR': 32.75, 'SSIM': 0.909}, label='paper', undeclared=True,
                                       mismatch='')
    assert rows['ESPCN'].paper['label'] == 'paper (91 images)' and rows['BicubicY'].paper is None
    md = render_summary([t])
    assert '| Paper PSNR / SSIM ' in md and '| 32.75 / 0.9090 ' in md
    assert "ESPCN, Paper: its plugin's row 'paper (91 images)'" in md
    assert 'Paper' not in render_summary(build_summary([str(data)], datasets=['Set5'], scales=[3])[:1])
    csv = render_summary([t], fmt='csv').splitlines()
    assert csv[0].split(',')[3:7] == ['PSNR', 'SSIM', 'paper_PSNR', 'paper_SSIM']


@pytest.mark.skipif(WEIGHTS is None, reason="the authors' released files (../shared/weights) are absent")
def test_comparison_step_on_the_sample_photo(tmp_path):
    """Step 3 with the cheapest released model: SR image saved, figure written, the model beats Bicubic."""
    pytest.importorskip('matplotlib', reason='figures need matplotlib (the reports extra)')
    pytest.importorskip('skimage', reason='the sample photo comes with scikit-image')
    tool = _tool()
    name = 'srcnn_9-1-5_91images_x4'
    r = tool.make_comparison(WEIGHTS, tmp_path / 'work', tmp_path / 'cmp.png', names=[name], log=pytest.fail)
    (_, hp, _), (bn, bp, _), (sn, sp, ss) = r['panels']
    assert (bn, sn) == ('Bicubic', 'SRCNN 9-1-5') and hp is None and sp > bp > 20 and 0 < ss < 1
    assert _png(r['out'])[0][0] == 270
    assert (tmp_path / 'work' / 'sr' / name / 'SamplePhoto' / 'x4' / 'astronaut.png').is_file()
