"""Image transforms: MATLAB-exact resize and colour conversion (plain functions), paired geometric
operations (plain functions), and the paired transforms registered in TRANSFORMS for data pipelines."""
from .color import rgb2y, rgb2ycbcr, ycbcr2rgb  # noqa: F401
from .imresize import imresize, imresize_np, imresize_torch  # noqa: F401
from .paired import crop_pair, dihedral, mod_crop, paired_random_crop  # noqa: F401
from .pipeline import (MakeLR, ModCrop, PackSRSample, PairedFlip, PairedRandomCrop, PairedRot90,  # noqa: F401
                       RandomRescale, RandomRotation, ToTensor)
