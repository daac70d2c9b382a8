_base_ = ['../plugins/rcan/configs/rcan_x4_div2k.py']
