#!/usr/bin/env python
"""Test an SR model on every test set of a config and write a results JSON:
tools/test.py CONFIG --ckpt CKPT [--out results.json] [--work-dir DIR] [--cfg-options k=v ...]
(--ckpt may be left out for weight-free models such as Bicubic).

A thin wrapper: the same options and code as ``srbench test`` (srbench/cli/test.py)."""
import sys

from srbench.cli import tool_main

if __name__ == '__main__':
    sys.exit(tool_main('test'))
