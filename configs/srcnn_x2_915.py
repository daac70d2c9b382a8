_base_ = ['../plugins/srcnn/configs/srcnn_x2_915.py']
