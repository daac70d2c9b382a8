"""Datasets (DATASETS registry), image I/O, the batch layout, the multi-scale batch sampler and the
patch writers. See :mod:`srbench.data.common`."""
from .common import SRDatasetBase, make_lr, mod_crop, sr_collate, to_channels, to_tensor  # noqa: F401
from .io import imread, imwrite, list_images  # noqa: F401
from .paired import PairedImageDataset  # noqa: F401
from .patches import H5PatchDataset, LMDBDataset, PatchPairDataset  # noqa: F401
from .random_crop import RandomCropDataset, prepare_images  # noqa: F401
from .samplers import ScaleBatchSampler, sample_scales  # noqa: F401
