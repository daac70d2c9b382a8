_base_ = ['../plugins/rdn/configs/rdn_x3_div2k.py']
