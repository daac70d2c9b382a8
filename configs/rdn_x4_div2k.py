_base_ = ['../plugins/rdn/configs/rdn_x4_div2k.py']
