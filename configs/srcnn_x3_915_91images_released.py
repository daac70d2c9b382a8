_base_ = ['../plugins/srcnn/configs/srcnn_x3_915_91images_released.py']
