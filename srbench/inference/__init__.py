"""Test-time inference of any SR network: tiled forward, x8 self-ensemble, model complexity, user images.

A layer between :mod:`srbench.models` and :mod:`srbench.apis`: it imports torch, :mod:`srbench.spec`,
:mod:`srbench.errors`, :mod:`srbench.utils`, :mod:`srbench.transforms` and :mod:`srbench.data` (image
reading), never the engine, the apis or the command line. ``SRModel`` runs its network through
:func:`run_network` at test time (``model.test_cfg``); ``srbench.apis.infer`` and ``srbench.apis.test`` use
it through the model.
"""
from .ensemble import DIHEDRAL, dihedral_forward, dihedral_inverse, self_ensemble
from .tile import (TileSpec, measure_receptive_field, plan_windows, receptive_field_of, resolve_tiling,
                   run_network, tiled_forward)

__all__ = ['DIHEDRAL', 'TileSpec', 'dihedral_forward', 'dihedral_inverse', 'measure_receptive_field',
           'plan_windows', 'receptive_field_of', 'resolve_tiling', 'run_network', 'self_ensemble',
           'tiled_forward']
