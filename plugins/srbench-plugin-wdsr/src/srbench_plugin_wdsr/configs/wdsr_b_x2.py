# WDSR-B x2: wdsr_a_x2.py with WDSR-B blocks (1x1 conv widened 6x - ReLU - 1x1 linear low-rank conv to 0.8x -
# 3x3 conv), 16 blocks of 64 features: about the parameters of WDSR-A (1,202,260), the paper's equal-budget
# comparison. Same data and training.
_base_ = ['./wdsr_a_x2.py']

model = dict(generator=dict(_delete_=True, type='WDSR_B', scale=2, mid_channels=64, num_blocks=16,
                            expansion=6, low_rank=0.8))
