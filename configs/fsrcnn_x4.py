_base_ = ['../plugins/fsrcnn/configs/fsrcnn_x4.py']
