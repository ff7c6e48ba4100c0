"""The Ray executor: the same graph and scheduler as the local one, its nodes run as Ray tasks.

Plain nodes are tasks (one CPU each; a GPU where `gpus` asks for one for their kind); nodes
that hold a heavy model go to one actor per model, which loads it once and is handed batches.
The scheduler's own nodes (timing, loudness, the join, the outputs) stay here, in the driver,
on the driver's cache: every artifact a worker makes comes back into it, checked against its
record, unless the cache is one every node sees (`--cache`), where workers write themselves.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import socket
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from filmmaker.errors import FilmmakerError, RenderError
from filmmaker.executors.local import InlinePools, Outcome, plan_work, schedule
from filmmaker.graph.node import DRIVER, WORKER, Graph, Node

EXTRA = "pip install 'filmmaker[ray]'"
CONNECT_SECONDS = 30  # a wrong address fails within this
TASK_RETRIES = 3  # a worker that dies mid-task: Ray runs the task again elsewhere


class ClusterError(FilmmakerError):
    """The cluster cannot be used: unreachable, or lacking what the film asks of it."""


@dataclass
class Placement:
    """Where the work ran, for the build report."""

    tasks: dict[str, int] = field(default_factory=dict)  # Ray node id -> tasks it ran
    returned_bytes: int = 0  # artifact bytes that came back through the object store
    loads: dict[str, int] = field(default_factory=dict)  # model -> loads, summed over the actors


def require_ray():
    try:
        import ray
    except ImportError:
        raise ClusterError(f"--executor ray needs Ray, which is not installed: {EXTRA}") from None
    return ray


def connect(address: str | None, cpus: int | None = None) -> None:
    """Join the cluster at `address` ("auto": the one this machine runs), or start one here, bound
    to 127.0.0.1 (Ray's dashboard and job API have no authentication)."""
    ray = require_ray()
    if ray.is_initialized():
        return
    options = {"include_dashboard": False, "logging_level": logging.WARNING, "log_to_driver": False}
    if address is None:
        # Ray binds its ports on every interface whatever address it is given (2.60 resolves
        # 127.0.0.1 to the machine's), so what guards this one is its token and no dashboard
        os.environ.setdefault("RAY_AUTH_MODE", "token")
        ray.init(num_cpus=cpus, _node_ip_address="127.0.0.1", **options)
        return
    try:  # the address was checked when the executor was entered
        with _deadline(CONNECT_SECONDS, address):
            ray.init(address=address, **options)
    except ConnectionError as exc:
        raise ClusterError(f"cannot join the Ray cluster at {address}: {str(exc).splitlines()[0]}; a cluster with "
                           "token authentication needs its token here too (RAY_AUTH_MODE=token and RAY_AUTH_TOKEN, "
                           "or RAY_AUTH_TOKEN_PATH)") from None


def check_address(address: str | None) -> None:
    """A HOST:PORT that nothing answers at fails at once (None and auto are not checked)."""
    if address not in (None, "auto"):
        _reachable(address)


def _reachable(address: str) -> None:
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise ClusterError(f"--address {address!r}: give HOST:PORT of the cluster's head (its GCS port, 6379 "
                           "unless `ray start --head --port` chose another), or auto")
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as exc:
        raise ClusterError(f"no Ray cluster answers at {address} ({exc.strerror or exc}); start one with "
                           f"`ray start --head --node-ip-address {host} --port {port}`, or check the address") from None


class _deadline:
    """Raise ClusterError if the block runs past `seconds` (a head that accepts the connection but
    never answers). Main thread only; elsewhere the block runs unbounded."""

    def __init__(self, seconds: int, address: str):
        self.seconds, self.address = seconds, address

    def __enter__(self):
        import signal
        import threading

        self.armed = threading.current_thread() is threading.main_thread()
        if self.armed:
            self.previous = signal.signal(signal.SIGALRM, self._expire)
            signal.alarm(self.seconds)

    def _expire(self, signum, frame):
        raise ClusterError(f"the Ray cluster at {self.address} did not answer within {self.seconds} s")

    def __exit__(self, *exc):
        if self.armed:
            import signal

            signal.alarm(0)
            signal.signal(signal.SIGALRM, self.previous)


def check_gpus(gpus: dict[str, float], graph: Graph) -> None:
    """Before any work: a kind asked to run on a GPU that the cluster does not have fails here."""
    ray = require_ray()
    wanted = {kind: n for kind, n in gpus.items() if n and any(node.kind == kind for node in graph)}
    if not wanted:
        return
    have = ray.cluster_resources().get("GPU", 0)
    kind, most = max(wanted.items(), key=lambda item: item[1])
    if most > have:
        raise ClusterError(f"`{kind}` nodes ask for {most:g} GPU (executor.ray.gpus.{kind}) but the cluster has "
                           f"{have:g}; add a GPU node, or drop the request to run them on CPUs")


class RayPools:
    """The scheduler's pools, on Ray: `submit` returns a Future of (results, seconds); `received`
    stores what came back in the driver's cache."""

    def __init__(self, work, graph: Graph, gpus: dict[str, float], shared: Path | None):
        from filmmaker.executors import shipping

        ray = require_ray()
        self.ray, self.work, self.graph, self.gpus, self.shared = ray, work, graph, gpus, shared
        self.slots = max(1, int(ray.cluster_resources().get("CPU", 1)))
        self.placement = Placement()
        skip = (work.spec.state_dir, *work.plan.screenplay.music_library)  # tracks are shipped one by one
        bundles, files = shipping.inputs_of(work.spec, work.file_hash, skip)
        self.bundles = bundles
        self.files = {digest: ray.put(path.read_bytes()) for digest, path in files.items()}
        spec_bytes = pickle.dumps(work.spec, protocol=pickle.HIGHEST_PROTOCOL)
        # the spec names inputs by path: their contents are part of what a worker's Workshop is
        contents = "".join(f"{path}={bundle.digest};" for path, bundle in sorted(bundles.items()))
        self.build = hashlib.sha256(spec_bytes + contents.encode()).hexdigest()[:24]
        self.spec = ray.put(spec_bytes)
        self._artifact_refs: dict[str, object] = {}
        self._actors: dict[str, object] = {}
        self._task = None
        self._pending: list = []

    def _deps(self, nodes: list[Node]) -> list:
        out, seen = [], set()
        for node in nodes:
            for dep_id in node.deps:
                dep = self.graph[dep_id]
                if not dep.cached or dep_id in seen or not self.work.cache.has(dep.kind, dep.key, dep.ext):
                    continue
                seen.add(dep_id)
                record = self.work.cache.record(dep.kind, dep.key)
                ref = None
                if self.shared is None:
                    if dep_id not in self._artifact_refs:
                        data = self.work.cache.path(dep.kind, dep.key, dep.ext).read_bytes()
                        self._artifact_refs[dep_id] = self.ray.put(data)
                    ref = self._artifact_refs[dep_id]
                out.append((dep.kind, dep.key, dep.ext, record, ref))
        return out

    def submit(self, lane: str, nodes: list[Node]) -> Future:
        from filmmaker.executors import ray_tasks

        task = ray_tasks.Task(self.build, self.spec, self.bundles, self.files, self._deps(nodes), nodes,
                              str(self.shared) if self.shared else None)
        gpus = max(self.gpus.get(node.kind, 0) for node in nodes)
        if lane == WORKER:
            if self._task is None:  # registered with the cluster once per build, not per node
                self._task = self.ray.remote(ray_tasks.make_one)
            ref = self._task.options(num_cpus=1, num_gpus=gpus, max_retries=TASK_RETRIES).remote(task)
        else:
            ref = self._actor(lane, gpus).make.remote(task)
        self._pending.append(ref)
        return _unwrapped(ref.future())

    def _actor(self, lane: str, gpus: float):
        from filmmaker.executors import ray_tasks

        if lane not in self._actors:
            holder = self.ray.remote(ray_tasks.ModelHolder)
            self._actors[lane] = holder.options(num_cpus=1, num_gpus=gpus, max_restarts=TASK_RETRIES,
                                                max_task_retries=TASK_RETRIES).remote()
        return self._actors[lane]

    def received(self, nodes: list[Node], made) -> tuple[dict, float]:
        cache = self.work.cache
        for kind, key, ext, record, data in made.artifacts:
            if data is None:  # written in the shared cache: check it is there and whole
                if cache.get(kind, key, ext) is None:
                    raise RenderError(f"a worker reported {kind} {key[:12]} in the shared cache {self.shared}, "
                                      "but it is not there: is the folder the same on every node?")
                continue
            cache.adopt(kind, key, ext, data, record)
            self.placement.returned_bytes += len(data)
        self.placement.tasks[made.node] = self.placement.tasks.get(made.node, 0) + 1
        for model, count in made.loads.items():
            self.placement.loads[model] = max(self.placement.loads.get(model, 0), count)
        return made.results, made.seconds

    def close(self) -> None:
        for ref in self._pending:
            self.ray.cancel(ref, force=True)
        for actor in self._actors.values():
            self.ray.kill(actor)


def _unwrapped(future: Future) -> Future:
    """A Future of the task's value whose error is the task's own (not Ray's wrapper around it,
    whose text carries the remote traceback)."""
    out: Future = Future()

    def done(f: Future) -> None:
        exc = f.exception()
        if exc is None:
            out.set_result(f.result())
            return
        cause = getattr(exc, "cause", None)
        if isinstance(cause, BaseException):
            out.set_exception(cause)
        else:
            out.set_exception(RenderError(f"a Ray worker failed: {type(exc).__name__}: {str(exc).splitlines()[0]}"))

    future.add_done_callback(done)
    return out


class RayExecutor:
    """`with RayExecutor(address, gpus, shared_cache) as executor: executor.run(graph, targets, work)`."""

    def __init__(self, address: str | None = None, gpus: dict[str, float] | None = None,
                 shared_cache: Path | None = None, cpus: int | None = None):
        self.address, self.gpus, self.shared, self.cpus = address, dict(gpus or {}), shared_cache, cpus
        self.placement = Placement()
        require_ray()

    def __enter__(self) -> RayExecutor:
        check_address(self.address)  # a wrong address fails now, before the film is resolved
        return self

    def run(self, graph: Graph, targets: list[str], work, reporter=None) -> Outcome:
        outcome = Outcome()
        todo = plan_work(graph, targets, work, outcome)
        if reporter is not None:
            for kind in dict.fromkeys(node.kind for node in todo):
                reporter.stage(kind, sum(node.kind == kind for node in todo))
        if not any(node.runs_on != DRIVER for node in todo):  # a no-op rebuild: no cluster, no task
            schedule(todo, work, InlinePools(work), outcome, reporter)
            return outcome
        connect(self.address, self.cpus)
        check_gpus(self.gpus, graph)
        pools = RayPools(work, graph, self.gpus, self.shared)
        try:
            schedule(todo, work, pools, outcome, reporter)
        finally:
            pools.close()
            self.placement = pools.placement
        return outcome

    def __exit__(self, *exc_info) -> None:
        ray = require_ray()
        if ray.is_initialized():
            ray.shutdown()
