_base_ = ['../plugins/drrn/configs/drrn_x234.py']
