"""The register's API, one module per subject; routes register in import order."""

# isort: off
from . import register, residents  # noqa: F401

# isort: on
from .common import router

__all__ = ["router"]
