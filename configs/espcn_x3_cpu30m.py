_base_ = ['../plugins/espcn/configs/espcn_x3_cpu30m.py']
