_base_ = ['../plugins/srcnn/configs/srcnn_x3_915_imagenet_released.py']
