"""First-party srbench plugins: one sub-package per paper (see plugins/<name>/README.md)."""
