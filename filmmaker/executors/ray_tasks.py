"""What runs on a Ray node: a task that makes one node, and an actor that holds a heavy model and
makes batches of its nodes. Both build their Workshop once per process from the build's spec,
with the inputs fetched by content into the node's own store, and return what they made.

Without a cache every node sees, a worker keeps a cache of its own (deps arrive from the driver
by content, made artifacts go back as bytes). With one (`--cache`), it works in that cache and
returns only the records; the driver checks them.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

_WORKSHOPS: dict[str, object] = {}


@dataclass
class Task:
    """One submission: the build it belongs to, where its inputs and deps come from, its nodes."""

    build: str  # the spec's id: one Workshop per build per process
    spec: object  # ObjectRef of the pickled WorkshopSpec
    bundles: dict  # driver path -> shipping.Bundle
    files: dict  # SHA-256 -> ObjectRef of the file's bytes
    deps: list  # (kind, key, ext, record, ObjectRef of bytes or None) the nodes read
    nodes: list
    shared_cache: str | None = None


@dataclass
class Made:
    results: dict
    seconds: float
    node: str  # the Ray node it ran on
    artifacts: list = field(default_factory=list)  # (kind, key, ext, record, bytes or None)
    loads: dict = field(default_factory=dict)  # model name -> times this process loaded it


def node_store() -> Path:
    """This machine's store for fetched inputs and its own cache (FILMMAKER_WORKER_DIR, or a
    folder in its temp dir)."""
    given = os.environ.get("FILMMAKER_WORKER_DIR")
    # absolute: the inputs fetched here are handed to ffmpeg, which reads a relative `x:...` as a protocol
    root = Path(given).absolute() if given else Path(tempfile.gettempdir()) / f"filmmaker-worker-{os.getuid()}"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _workshop(task: Task):
    if task.build in _WORKSHOPS:
        return _WORKSHOPS[task.build]
    import pickle

    import ray

    from filmmaker.cache import Cache, FileHashes
    from filmmaker.executors import shipping
    from filmmaker.graph.workshop import Workshop

    store = node_store()
    inputs = store / "inputs"
    missing = sorted({digest for bundle in task.bundles.values() for digest in shipping.missing(bundle, inputs)})
    arrived = dict(zip(missing, ray.get([task.files[digest] for digest in missing])))  # all at once
    where = {path: shipping.materialize(bundle, inputs, arrived.__getitem__)
             for path, bundle in task.bundles.items()}
    spec = pickle.loads(ray.get(task.spec))
    spec = shipping.translate(replace(spec, state_dir=store / "state"), where)
    cache = Cache(Path(task.shared_cache) if task.shared_cache else store / "cache")
    work = Workshop(spec, cache, FileHashes(store / "file-hashes.json"))
    _WORKSHOPS.clear()  # one build at a time per process: the last one's engines go
    _WORKSHOPS[task.build] = work
    return work


def _bring_deps(work, deps: list) -> None:
    import ray

    for kind, key, ext, record, ref in deps:
        if ref is None or work.cache.get(kind, key, ext) is not None:
            continue  # in the shared cache, or fetched before
        work.cache.adopt(kind, key, ext, ray.get(ref), record)


def run_task(task: Task) -> Made:
    import ray

    from filmmaker.executors.worker import run_with

    started = time.perf_counter()
    work = _workshop(task)
    _bring_deps(work, task.deps)
    work.cache.written.clear()
    results, _ = run_with(work, task.nodes)
    artifacts = []
    for kind, key, ext in work.cache.written:
        record = work.cache.record(kind, key)
        data = None if task.shared_cache else work.cache.path(kind, key, ext).read_bytes()
        artifacts.append((kind, key, ext, record, data))
    return Made(results, time.perf_counter() - started, ray.get_runtime_context().get_node_id(), artifacts,
                dict(work.loads))


def quiet_threads() -> None:
    """One thread per task in libraries that would start one per core (Ray runs a task per CPU)."""
    import cv2

    cv2.setNumThreads(1)


class ModelHolder:
    """A Ray actor's body: nodes of one heavy kind, made with the model it loaded once."""

    def __init__(self) -> None:
        quiet_threads()

    def make(self, task: Task) -> Made:
        return run_task(task)


def make_one(task: Task) -> Made:
    quiet_threads()
    return run_task(task)
