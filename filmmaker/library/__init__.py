"""The writer's own stills and footage, indexed by what they show (index.py), found by meaning for
`picture: {find: ...}` shots (find.py), and pinned back into the screenplay as explicit pictures (pin.py)."""
