_base_ = ['../plugins/lapsrn/configs/lapsrn_x4_released.py']
