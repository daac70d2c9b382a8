"""Datasets (DATASETS registry), image I/O, patch stores (readers and writers of each on-disk format), the
batch layout and the multi-scale batch sampler. See :mod:`srbench.data.common`."""
from .common import SRDatasetBase, sr_collate  # noqa: F401
from .io import imread, imwrite, list_images  # noqa: F401
from .paired import PairedImageDataset  # noqa: F401
from .patches import H5PatchDataset, LMDBDataset, PatchDataset, PatchPairDataset  # noqa: F401
from .random_crop import RandomCropDataset, prepare_images  # noqa: F401
from .samplers import ScaleBatchSampler, sample_scales  # noqa: F401
