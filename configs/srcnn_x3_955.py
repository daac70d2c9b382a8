_base_ = ['../plugins/srcnn/configs/srcnn_x3_955.py']
