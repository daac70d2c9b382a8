_base_ = ['../plugins/fsrcnn/configs/fsrcnn_x3_cpu30m.py']
