"""The build as a graph of artifacts: one module per kind of node (its key and its make), the
graph of a film (film.py), and what resolves its inputs before any work (resolve.py)."""
