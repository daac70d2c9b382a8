_base_ = ['../plugins/rdn/configs/rdn_x3_291.py']
