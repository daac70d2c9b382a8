"""Datasets (DATASETS registry), image I/O and the batch layout. See :mod:`srbench.data.common`."""
from .common import SRDatasetBase, make_lr, mod_crop, sr_collate, to_channels, to_tensor  # noqa: F401
from .io import imread, imwrite, list_images  # noqa: F401
from .paired import PairedImageDataset  # noqa: F401
from .random_crop import RandomCropDataset  # noqa: F401
