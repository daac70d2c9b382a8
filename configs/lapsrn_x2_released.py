_base_ = ['../plugins/lapsrn/configs/lapsrn_x2_released.py']
