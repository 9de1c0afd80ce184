"""The register's API, one module per subject; routes register in import order."""

# isort: off
from . import residents  # noqa: F401
from . import households  # noqa: F401
from . import data_requests  # noqa: F401
from . import verification  # noqa: F401
from . import family  # noqa: F401
from . import register  # noqa: F401

# isort: on
from .common import router

__all__ = ["router"]
