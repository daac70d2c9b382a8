_base_ = ['../plugins/srcnn/configs/srcnn_x3_935_imagenet_released.py']
