_base_ = ['../plugins/srcnn/configs/srcnn_x4_915.py']
