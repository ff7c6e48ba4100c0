"""Executors run a film's graph: `local` on this machine's cores (the default)."""
