_base_ = ['../plugins/fsrcnn/configs/fsrcnn_x3_s.py']
