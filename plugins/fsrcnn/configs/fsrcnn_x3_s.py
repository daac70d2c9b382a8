# FSRCNN-s (d, s, m) = (32, 5, 1), x3: the paper's small real-time variant of fsrcnn_x3.py (3,937 weights).
_base_ = ['./fsrcnn_x3.py']

model = dict(generator=dict(d=32, s=5, m=1))
