"""Image transforms, the lowest layer of srbench's data path (it imports nothing from srbench.data, .engine,
.models or .apis): MATLAB-exact resize and colour conversion, the channel modes, LR generation, paired
geometric operations and the sample layout (plain functions), and the paired transforms registered in
TRANSFORMS for data pipelines (:mod:`srbench.transforms.pipeline`)."""
from .color import rgb2y, rgb2ycbcr, to_channels, ycbcr2rgb  # noqa: F401
from .degrade import make_lr, make_test_pair, upsample, upsample_float, window_input  # noqa: F401
from .imresize import imresize, imresize_np, imresize_torch  # noqa: F401
from .paired import crop_pair, dihedral, mod_crop, paired_random_crop, random_window  # noqa: F401
from .pipeline import (MakeLR, ModCrop, PackSRSample, PairedFlip, PairedRandomCrop, PairedRot90,  # noqa: F401
                       RandomDihedral, RandomRescale, RandomRotation, ToTensor)
from .sample import pack_sample, to_tensor  # noqa: F401
