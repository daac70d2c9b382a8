_base_ = ['../plugins/drcn/configs/drcn_x2.py']
