_base_ = ['../plugins/espcn/configs/espcn_x3.py']
