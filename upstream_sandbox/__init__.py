"""An in-memory stand-in for the invoicing REST API, answering in its exact formats.

The gateway embeds it as its default upstream; tests run against it as the real thing.
"""

from .app import create_app
from .models import Contract

__all__ = ["Contract", "create_app"]
