"""Small dependency-free helpers used across srbench's layers (no torch at import, no srbench imports
beyond :mod:`srbench.errors`): :mod:`.atomic` (files and folders that appear complete or not at all) and
:mod:`.uint8` (MATLAB's conversion to uint8), :mod:`.cache` (the on-disk cache of test images' decoded pixels,
LR and bicubic inputs)."""
