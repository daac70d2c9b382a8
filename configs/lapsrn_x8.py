_base_ = ['../plugins/lapsrn/configs/lapsrn_x8.py']
