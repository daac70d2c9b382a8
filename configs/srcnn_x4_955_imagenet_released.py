_base_ = ['../plugins/srcnn/configs/srcnn_x4_955_imagenet_released.py']
