_base_ = ['../plugins/lapsrn/configs/lapsrn_x2.py']
