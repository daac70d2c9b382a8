_base_ = ['../plugins/lapsrn/configs/lapsrn_x8_released.py']
