# SRCNN 9-3-5, x3: srcnn_x3_915.py with a 3x3 mapping layer (paper Sec. 4.3: filter sizes).
# Same data: the seed's 33x33 sub-images (the output shrinks to 19x19 with valid convolutions).
_base_ = ['./srcnn_x3_915.py']

model = dict(generator=dict(kernel_sizes=(9, 3, 5)))
