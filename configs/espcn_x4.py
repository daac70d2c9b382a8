_base_ = ['../plugins/espcn/configs/espcn_x4.py']
