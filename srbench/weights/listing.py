"""The released weights the plugins declare, as rows and as a table (``srbench convert --list``; the
``plugins`` / ``configs`` listings can show the same rows)."""
from __future__ import annotations


def weights_rows() -> list[dict]:
    """One dict per declaration (:meth:`srbench.spec.Weights.as_dict` plus the plugin's name)."""
    from .convert import declarations
    return [dict(plugin=d.plugin.name, **d.weights.as_dict()) for d in declarations()]


def format_weights(rows: list[dict] | None = None) -> str:
    """A readable table: name, plugin, network and its arguments, scales, file, format, protocol, config,
    and the paper numbers on Set5 (with the table they come from)."""
    from tabulate import tabulate
    rows = weights_rows() if rows is None else rows
    if not rows:
        return 'no installed plugin declares released weights'
    body = []
    for r in rows:
        args = ', '.join(f'{k}={v}' for k, v in r['args'].items() if k != 'scale')
        set5 = ' / '.join(f'x{n["scale"]} {n["metrics"]["PSNR"]:.2f}' for n in r['numbers']
                          if n['dataset'] == 'Set5')
        body.append([r['name'], r['plugin'], f'{r["model"]}({args})' if args else r['model'],
                     ','.join(str(s) for s in r['scales']), r['file'], r['format'], r['protocol'],
                     r['config'] or '', set5 or '-'])
    return tabulate(body, headers=['weights', 'plugin', 'network', 'scales', 'file', 'format', 'protocol',
                                   'config', 'paper Set5 PSNR'], tablefmt='simple')
