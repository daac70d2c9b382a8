_base_ = ['../plugins/fsrcnn/configs/fsrcnn_x2.py']
