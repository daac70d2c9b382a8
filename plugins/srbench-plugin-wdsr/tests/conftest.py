"""Make ``srbench_plugin_wdsr`` importable from ``src/`` without installing the distribution."""
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / 'src'
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))
