"""What the tools call: train(), test(), and helpers. Each tool parses arguments and calls one of these."""
from .common import load_config  # noqa: F401
from .test import test  # noqa: F401
from .train import train  # noqa: F401
