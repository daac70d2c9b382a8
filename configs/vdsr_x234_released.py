_base_ = ['../plugins/vdsr/configs/vdsr_x234_released.py']
