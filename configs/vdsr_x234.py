_base_ = ['../plugins/vdsr/configs/vdsr_x234.py']
