_base_ = ['../plugins/srcnn/configs/srcnn_x4_915_91images_released.py']
