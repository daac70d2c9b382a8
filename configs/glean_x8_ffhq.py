_base_ = ['../plugins/glean/configs/glean_x8_ffhq.py']
