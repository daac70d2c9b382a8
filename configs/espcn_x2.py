_base_ = ['../plugins/espcn/configs/espcn_x2.py']
