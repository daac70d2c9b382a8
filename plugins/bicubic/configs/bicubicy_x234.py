# BicubicY: the same MATLAB bicubic interpolation on the Y channel, fed exactly the LR images the Y-channel
# networks (SRCNN, FSRCNN, ESPCN, VDSR, ...) are tested on (data 'y-double': Y of the mod-cropped uint8 HR,
# downscaled with imresize in double precision, not rounded). This is the "Bicubic" of SRCNN's and VDSR's test
# code, and the baseline to put beside those networks (bicubic_x234.py is the RGB, saved-LR baseline of the
# seed's table; the two differ by up to ~0.05 dB).
#   python tools/test.py configs/bicubicy_x234.py --out results/bicubicy_x234.json     (no --ckpt)
_base_ = ['./bicubic_x234.py']

model = dict(generator=dict(_delete_=True, type='BicubicY'))
test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
