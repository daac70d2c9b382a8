"""Small text tables of results (the leaderboard tool builds the full markdown tables)."""
from __future__ import annotations


def _fmt(k: str, v) -> str:
    if isinstance(v, (int, float)):
        return f'{v:.4f}' if k.upper().endswith('SSIM') else f'{v:.2f}'
    return str(v)


def results_table(results: dict, tablefmt: str = 'github') -> str:
    """One row per (data set, scale) of a results dict from :func:`srbench.apis.test`."""
    from tabulate import tabulate
    rows, keys = [], []
    for r in results.get('results', []):
        for k in r['metrics']:
            if k not in keys:
                keys.append(k)
    for r in results.get('results', []):
        rows.append([r['dataset'], f'x{r["scale"]}', r['num_images']] + [_fmt(k, r['metrics'].get(k, '')) for k in keys])
    m = results.get('model', {})
    title = f'{m.get("generator")} ({m.get("plugin") or "no plugin"})'
    return title + '\n' + tabulate(rows, headers=['Dataset', 'Scale', 'Images'] + keys, tablefmt=tablefmt,
                                  disable_numparse=True)
