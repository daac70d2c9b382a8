_base_ = ['../plugins/fsrcnn/configs/fsrcnn_x3.py']
