"""The build as data: nodes (one per artifact) with their keys and inputs, and the graph of them.

A node names what it makes (`kind`, `name`), the content key its bytes are stored under, the
nodes it is made from, and the few plain facts its `make` needs beyond them (`args`). Nothing
here runs anything: the graph can be printed, compared, diffed and shipped to another process.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterator

# Where a node's work runs. "driver": cheap bookkeeping done by the scheduler itself (timing,
# loudness, writing outputs); "worker": any pool process; anything else names a heavy model that
# one dedicated worker loads once and is handed its nodes in batches.
DRIVER, WORKER = "driver", "worker"


@dataclass(frozen=True)
class Node:
    kind: str  # line, image, picture, motion, segment, media, music, cue, premix, loudness, ...
    name: str  # unique within the kind: a line id, a shot id, "a>b", "score[0]", "mix"
    key: str  # content key: every input that changes the bytes, the inputs' keys among them
    ext: str  # the artifact's file extension in the cache ("" for an output written outside it)
    deps: tuple[str, ...] = ()  # ids of the nodes it is made from
    args: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    runs_on: str = WORKER

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.name}"

    @property
    def cached(self) -> bool:
        """Stored in the content-addressed cache (outputs are written to the film's folder instead)."""
        return bool(self.ext)


@dataclass
class Graph:
    """Nodes in an order where every node comes after its inputs."""

    nodes: dict[str, Node] = field(default_factory=dict)
    _by_key: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)

    def add(self, node: Node) -> str:
        """Add `node`, or return the node already there that makes the same artifact (two shots
        that ask for identical pictures share one); its id either way."""
        missing = [dep for dep in node.deps if dep not in self.nodes]
        if missing:
            raise ValueError(f"{node.id} depends on {missing}, which are not in the graph yet")
        if node.cached and (node.kind, node.key) in self._by_key:
            return self._by_key[node.kind, node.key]
        if node.id in self.nodes:
            raise ValueError(f"two nodes are named {node.id}")
        self.nodes[node.id] = node
        if node.cached:
            self._by_key[node.kind, node.key] = node.id
        return node.id

    def __getitem__(self, node_id: str) -> Node:
        return self.nodes[node_id]

    def __iter__(self) -> Iterator[Node]:
        return iter(self.nodes.values())

    def of_kind(self, kind: str) -> list[Node]:
        return [n for n in self.nodes.values() if n.kind == kind]

    def get(self, kind: str, name: str) -> Node | None:
        return self.nodes.get(f"{kind}:{name}")

    def dependants(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {node_id: [] for node_id in self.nodes}
        for node in self.nodes.values():
            for dep in node.deps:
                out[dep].append(node.id)
        return out

    def upstream(self, node_ids) -> set[str]:
        """The nodes given and everything they are made from."""
        seen: set[str] = set()
        stack = list(node_ids)
        while stack:
            node_id = stack.pop()
            if node_id not in seen:
                seen.add(node_id)
                stack.extend(self.nodes[node_id].deps)
        return seen

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for node in self.nodes.values():
            out[node.kind] = out.get(node.kind, 0) + 1
        return out

    def references(self) -> set[tuple[str, str]]:
        """The cache entries this graph's artifacts live under."""
        return {(n.kind, n.key) for n in self.nodes.values() if n.cached}

    # -- printing ---------------------------------------------------------------------------------

    def to_json(self) -> dict:
        return {"counts": self.counts(),
                "nodes": [{"id": n.id, "kind": n.kind, "name": n.name, "key": n.key, "deps": list(n.deps),
                           "ext": n.ext, "runs_on": n.runs_on} for n in self.nodes.values()]}

    def to_dot(self) -> str:
        """Graphviz DOT: one box per node (kind, name, key prefix), an edge from each input."""
        lines = ["digraph film {", "  rankdir=LR;", "  node [shape=box, fontname=Helvetica, fontsize=10];"]
        for n in self.nodes.values():
            label = f"{n.kind}\\n{n.name}\\n{n.key[:10]}"
            lines.append(f"  {json.dumps(n.id)} [label={json.dumps(label).replace(chr(92) * 2, chr(92))}];")
        for n in self.nodes.values():
            lines.extend(f"  {json.dumps(dep)} -> {json.dumps(n.id)};" for dep in n.deps)
        lines.append("}")
        return "\n".join(lines) + "\n"
