_base_ = ['../plugins/bicubic/configs/bicubic_x234.py']
