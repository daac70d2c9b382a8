_base_ = ['../plugins/rcan/configs/rcan_x3_div2k.py']
