"""Not One Less (一个都不能少): targeted education aid and school retention for a county."""

__version__ = "0.1.0"
