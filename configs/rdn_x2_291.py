_base_ = ['../plugins/rdn/configs/rdn_x2_291.py']
