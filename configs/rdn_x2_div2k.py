_base_ = ['../plugins/rdn/configs/rdn_x2_div2k.py']
