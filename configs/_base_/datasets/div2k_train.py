_base_ = ['../../../srbench/configs/_base_/datasets/div2k_train.py']
