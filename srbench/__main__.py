"""``python -m srbench <command>``: the same as the ``srbench`` command (:mod:`srbench.cli`)."""
import sys

from .cli import main

if __name__ == '__main__':
    sys.exit(main())
