_base_ = ['../plugins/rdn/configs/rdn_x4_291.py']
