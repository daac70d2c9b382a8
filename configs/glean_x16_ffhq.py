_base_ = ['../plugins/glean/configs/glean_x16_ffhq.py']
