_base_ = ['../plugins/srcnn/configs/srcnn_x2_915_91images_released.py']
