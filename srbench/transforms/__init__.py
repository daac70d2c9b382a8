"""Image transforms: MATLAB-exact resize and colour conversion (plain functions), and the
paired transforms registered in TRANSFORMS for data pipelines."""
from .color import rgb2y, rgb2ycbcr, ycbcr2rgb  # noqa: F401
from .imresize import imresize, imresize_np, imresize_torch  # noqa: F401
