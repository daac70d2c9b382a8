_base_ = ['../plugins/srcnn/configs/srcnn_x2_955_imagenet_released.py']
