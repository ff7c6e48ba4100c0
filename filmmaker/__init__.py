"""filmmaker: make a film from a YAML screenplay in post-production alone."""

__version__ = "0.1.0"
