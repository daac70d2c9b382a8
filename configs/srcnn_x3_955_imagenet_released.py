_base_ = ['../plugins/srcnn/configs/srcnn_x3_955_imagenet_released.py']
