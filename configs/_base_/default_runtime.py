_base_ = ['../../srbench/configs/_base_/default_runtime.py']
