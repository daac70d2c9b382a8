_base_ = ['../plugins/drcn/configs/drcn_x4.py']
