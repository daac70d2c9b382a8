"""List the installed plugins: name, distribution, version, status, what they registered, the metadata of
their networks: ``srbench plugins [--json]``. A plugin whose declared reference file or configs folder is
missing is listed as ``ok, with warnings``, with one line per warning under the table."""
from __future__ import annotations

import json

HELP = 'list installed plugins, their status and networks'


def add_arguments(p) -> None:
    p.add_argument('--json', action='store_true', help='machine-readable output')
    p.add_argument('--weights', action='store_true',
                   help="the authors' released weights the plugins know (file, sha256, protocol, paper numbers)")


def run(a) -> int:
    from ..discovery import autoload_enabled, records
    from ..lookup import format_table, plugin_warnings
    recs = records()
    if a.weights:
        from ..weights.listing import format_weights
        print(format_weights())
        return 0
    if a.json:
        print(json.dumps([dict(r.as_dict(), warnings=plugin_warnings(r)) for r in recs], indent=1))
        return 0
    if not autoload_enabled():
        print('plugin autoload is off (SRBENCH_PLUGINS_AUTOLOAD=0): no plugin was discovered')
    print(format_table(recs))
    for r in recs:
        for w in plugin_warnings(r):
            print(f'warning: plugin {r.name!r}: {w}')
    return 0
