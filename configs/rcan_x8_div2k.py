_base_ = ['../plugins/rcan/configs/rcan_x8_div2k.py']
