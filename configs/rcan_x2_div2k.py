_base_ = ['../plugins/rcan/configs/rcan_x2_div2k.py']
