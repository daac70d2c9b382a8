_base_ = ['../../../srbench/configs/_base_/datasets/sr_train_loader.py']
