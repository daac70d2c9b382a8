_base_ = ['../plugins/bicubic/configs/bicubicy_x234.py']
