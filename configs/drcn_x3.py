_base_ = ['../plugins/drcn/configs/drcn_x3.py']
