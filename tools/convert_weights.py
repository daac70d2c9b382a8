#!/usr/bin/env python
"""Convert an author's released weight file into an srbench checkpoint:
tools/convert_weights.py FILE [-o OUT.pth] [--weights NAME | --model NET [--plugin P]] | --list.

A thin wrapper: the same options and code as ``srbench convert`` (srbench/cli/convert.py)."""
import argparse
import sys

from srbench.apis.cli import run_cli
from srbench.cli import convert as command


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog='tools/convert_weights.py', description=command.__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    command.add_arguments(p)
    a = p.parse_args(argv)
    return int(run_cli(command.run, a) or 0)


if __name__ == '__main__':
    sys.exit(main())
