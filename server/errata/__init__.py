"""errata: an error knowledge base that coding agents query when they hit an error."""

__version__ = "0.1.0"
