"""The local executor: every node whose inputs are made runs at once, on a pool of processes.

A walk from the asked-for outputs decides what to make: a node already made (in the cache, or
in place in the film's folder) stops the walk, so a rebuild that changes nothing reads a few
records and touches no media. Cheap bookkeeping nodes (timing, loudness, the join and the
outputs) run here, in the scheduler; the rest in workers. Nodes that hold a heavy model (a
diffusion pipeline, MusicGen, a Coqui voice) go to one worker of their own, which loads it once
and is handed every ready node of its kind as one batch. Each artifact is written to a temp name and renamed
into the cache, so an interrupted build keeps what it finished and leaves nothing half-written;
the bytes do not depend on how many workers there are.
"""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from filmmaker.graph.kinds import is_made, make_node
from filmmaker.graph.node import DRIVER, WORKER, Graph, Node


@dataclass
class Outcome:
    built: dict[str, list[str]] = field(default_factory=dict)  # kind -> names made now
    reused: dict[str, list[str]] = field(default_factory=dict)  # kind -> names found made
    seconds: dict[str, float] = field(default_factory=dict)  # kind -> seconds of work (summed over workers)
    warnings: list[str] = field(default_factory=list)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def plan_work(graph: Graph, targets: list[str], work, outcome: Outcome) -> list[Node]:
    """The nodes to make, in graph order: those the targets need that are not made yet."""
    todo: set[str] = set()
    made: set[str] = set()
    stack = list(reversed(targets))
    while stack:
        node_id = stack.pop()
        if node_id in todo or node_id in made:
            continue
        node = graph[node_id]
        if is_made(work, node):
            made.add(node_id)
            continue
        todo.add(node_id)
        stack.extend(reversed(node.deps))
    # what the work reaches back to but need not open (a picture whose segment is cached) is reused too
    behind = graph.upstream(todo) - todo - made
    for node in graph:
        if node.id in made or (node.id in behind and node.cached and work.cache.recorded(node.kind, node.key)):
            outcome.reused.setdefault(node.kind, []).append(node.name)
    return [node for node in graph if node.id in todo]


class LocalExecutor:
    """`with LocalExecutor(jobs) as executor: ... executor.run(graph, targets, work)`. With more than
    one job, workers start when there is work for them (a rebuild that changes nothing starts
    none), or at once with `warm` (a first build: they load their libraries meanwhile); `jobs` 1
    makes everything in this process."""

    def __init__(self, jobs: int = 1, warm: bool = False):
        self.jobs, self.warm = jobs, warm
        self._pools: _Pools | None = None

    def __enter__(self) -> LocalExecutor:
        if self.jobs > 1:
            self._pools = _Pools(self.jobs)
            if self.warm:  # work is certain: load the workers' libraries now, while the caller resolves the film
                self._pools.prepare()
        return self

    def run(self, graph: Graph, targets: list[str], work, reporter=None) -> Outcome:
        outcome = Outcome()
        todo = plan_work(graph, targets, work, outcome)
        totals: dict[str, int] = {}
        for node in todo:
            totals[node.kind] = totals.get(node.kind, 0) + 1
        if reporter is not None:
            for kind, total in totals.items():
                reporter.stage(kind, total)
        if self._pools is not None and any(node.runs_on != DRIVER for node in todo):
            self._pools.warm()  # they load their libraries while the first nodes are handed out
            self._pools.use(work.spec)
        pools = self._pools if self._pools is not None and self._pools.spec_file else InlinePools(work)
        schedule(todo, work, pools, outcome, reporter)
        return outcome

    def __exit__(self, *exc_info) -> None:
        if self._pools is not None:
            self._pools.close(*exc_info)


def execute(graph: Graph, targets: list[str], work, jobs: int = 1, reporter=None) -> Outcome:
    """Make what `targets` need, on `jobs` processes (1: this one)."""
    with LocalExecutor(jobs) as executor:
        return executor.run(graph, targets, work, reporter)


def _timed(fn, *args):
    started = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - started


def _finish(outcome: Outcome, node: Node, result: dict, seconds: float, reporter) -> None:
    outcome.built.setdefault(node.kind, []).append(node.name)
    outcome.seconds[node.kind] = outcome.seconds.get(node.kind, 0.0) + seconds
    outcome.warnings.extend((result or {}).get("warnings", []))
    if reporter is not None:
        reporter.advance(node.kind)


# Rough seconds of work per node kind, for the order in which ready nodes are handed out (the
# bytes never depend on it). A segment's or a media file's work follows its shots' length.
WORK_SECONDS = {"line": 0.3, "cue": 0.3, "music": 5.0, "song": 20.0, "image": 2.0, "motion": 10.0, "premix": 0.3,
                "mix": 0.2, "stem": 0.05, "mixaudio": 0.8}
SEGMENT_SECONDS_PER_FILM_SECOND = 0.3
# first of all what many nodes wait on (the lines lay the film out; the pictures), and the sound's
# chain (cue, piece, mix, its AAC): short, but one after another, so started late it is the tail
FIRST = ("line", "picture", "image", "motion", "music", "song", "cue", "premix", "mix", "stem", "mixaudio")


def _priorities(todo: list[Node], plan) -> dict[str, float]:
    """Each node's critical path: its own work plus the longest chain of work waiting on it. Handing
    out the longest first keeps the last seconds of a build from waiting on one long chain (the
    sound's: cue, piece, mix, its AAC), or on one long shot started last."""
    from filmmaker.graph.premix import estimated_seconds

    def cost(node: Node) -> float:
        if node.kind in ("segment", "media"):
            shots = node.args.get("shots", [])
            return SEGMENT_SECONDS_PER_FILM_SECOND * sum(estimated_seconds(plan.shots[i]) for i in shots)
        return WORK_SECONDS.get(node.kind, 0.02)

    ids = {node.id for node in todo}
    dependants: dict[str, list[str]] = {}
    for node in todo:
        for dep in node.deps:
            if dep in ids:
                dependants.setdefault(dep, []).append(node.id)
    level: dict[str, float] = {}
    for node in reversed(todo):  # todo is in graph order: dependants come later
        level[node.id] = cost(node) + max((level[d] for d in dependants.get(node.id, ())), default=0.0)
    return level


def schedule(todo: list[Node], work, pools, outcome: Outcome, reporter) -> None:
    import heapq

    waiting = {node.id: node for node in todo}
    blockers = {node.id: {dep for dep in node.deps if dep in waiting} for node in todo}
    dependants: dict[str, list[str]] = {}
    for node_id, blocked in blockers.items():
        for dep in blocked:
            dependants.setdefault(dep, []).append(node_id)
    priority = _priorities(todo, work.plan)
    order = {node.id: n for n, node in enumerate(todo)}
    running: dict[Future, list[Node]] = {}
    ready: list[tuple[int, float, int, str]] = []  # a heap: the longest critical path first
    busy = 0  # nodes in the general pool; it is given no more than it has workers, so a node that
    # becomes ready later with a longer path still goes before those ready now

    def push(node: Node) -> None:
        tier = 0 if node.kind in FIRST else 1
        heapq.heappush(ready, (tier, -priority[node.id], order[node.id], node.id))

    def release(done: list[Node]) -> None:
        for node in done:
            waiting.pop(node.id, None)
            for node_id in dependants.get(node.id, ()):
                blockers[node_id].discard(node.id)
                if not blockers[node_id]:
                    push(waiting[node_id])

    for node in todo:
        if not blockers[node.id]:
            push(node)
    while waiting:
        # heavy nodes of one kind go as one batch to their own worker; the rest one by one
        batches: dict[str, list[Node]] = {}
        local: list[Node] = []
        held: list[tuple[int, float, int, str]] = []
        while ready:
            entry = heapq.heappop(ready)
            node = waiting[entry[-1]]
            if node.runs_on == DRIVER:
                local.append(node)
            elif node.runs_on != WORKER:
                batches.setdefault(node.runs_on, []).append(node)
            elif busy < pools.slots:
                running[pools.submit(WORKER, [node])] = [node]
                busy += 1
            else:
                held.append(entry)
        for entry in held:
            heapq.heappush(ready, entry)
        for heavy, nodes in batches.items():
            running[pools.submit(heavy, nodes)] = nodes
        for node in local:  # bookkeeping here, while the workers get on
            _finish(outcome, node, *_timed(make_node, work, node), reporter)
            release([node])
        if local:
            continue
        if not running:
            raise RuntimeError(f"the graph is stuck with {sorted(waiting)} waiting; this is a bug in filmmaker")
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            nodes = running.pop(future)
            results, seconds = pools.received(nodes, future.result())  # a worker's error is raised here
            busy -= sum(node.runs_on == WORKER for node in nodes)
            for node in nodes:
                _finish(outcome, node, results.get(node.id, {}), seconds / len(nodes), reporter)
            release(nodes)


class _Pools:
    """The general worker pool and one single-worker pool per heavy model.

    Workers are forked from a fork server (never from the scheduler, which may hold threads and
    locks) that has imported the libraries every worker needs once, so each starts in
    milliseconds instead of loading them again; they die with the scheduler.
    What they work on is read from a file of the build's WorkshopSpec that each loads once, so
    a task carries only its nodes. On any error or interrupt every worker is stopped, and each
    removes what it was writing; workers that were never given work are stopped at once."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.slots = jobs  # general-pool nodes in flight at once
        self.pools: dict[str, ProcessPoolExecutor] = {}
        self.spec_file: Path | None = None
        self.worked = False

    def _pool(self, lane: str) -> ProcessPoolExecutor:
        if lane not in self.pools:
            self.pools[lane] = ProcessPoolExecutor(self.jobs if lane == WORKER else 1, _context(), _init_worker)
        return self.pools[lane]

    def prepare(self) -> None:
        """Start the fork server, which imports PRELOAD in the background (forking workers from it
        would wait for that)."""
        context = _context()
        if context.get_start_method() == "forkserver":
            from multiprocessing import forkserver

            forkserver.ensure_running()

    def warm(self) -> None:
        if WORKER not in self.pools:
            for _ in range(self.jobs):
                self._pool(WORKER).submit(_warm)

    def use(self, spec) -> None:
        self.spec_file = _write_spec(spec)

    def received(self, nodes: list[Node], value):
        return value  # what workers made is in the cache already

    def submit(self, lane: str, nodes: list[Node]) -> Future:
        self.worked = True
        return self._pool(lane).submit(_work, str(self.spec_file), nodes)

    def close(self, exc_type, exc, tb) -> None:
        try:
            for pool in self.pools.values():
                if exc_type is None and self.worked:
                    pool.shutdown(wait=True)
                    continue
                pool.shutdown(wait=False, cancel_futures=True)
                for process in list((pool._processes or {}).values()):  # stop work in flight: no waiting on it
                    if process.is_alive():
                        os.kill(process.pid, signal.SIGTERM)
                for process in list((pool._processes or {}).values()):
                    process.join(timeout=10)
        finally:
            if self.spec_file is not None:
                self.spec_file.unlink(missing_ok=True)


# What every worker imports anyway: loaded once, in the fork server (a missing one is skipped there);
# onnxruntime and piper for the default voice engine, whose lines every worker may speak
PRELOAD = ["numpy", "cv2", "scipy.signal", "filmmaker.executors.worker", "filmmaker.graph.segment",
           "filmmaker.render.shot", "filmmaker.render.voice", "onnxruntime", "piper",
           "filmmaker.backends.voice.piper"]


@lru_cache(maxsize=1)
def _context():
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():  # Windows
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def _write_spec(spec) -> Path:
    import pickle
    import tempfile

    folder = spec.state_dir / "run"
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix="spec-", suffix=".pickle", dir=folder)
    with os.fdopen(fd, "wb") as fh:
        pickle.dump(spec, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return Path(name)


def _init_worker() -> None:
    from filmmaker.executors import worker

    worker.start()


def _warm() -> None:
    from filmmaker.executors import worker

    worker.warm()


def _work(spec_file: str, nodes: list[Node]):
    from filmmaker.executors import worker

    return worker.run(spec_file, nodes)


class InlinePools:
    """`--jobs 1`: every node made here, in this process, as soon as it is submitted."""

    slots = 1

    def __init__(self, work):
        self.work = work

    def submit(self, lane: str, nodes: list[Node]) -> Future:
        from filmmaker.executors.worker import run_with

        future: Future = Future()
        future.set_result(run_with(self.work, nodes))  # an error propagates here, at once
        return future

    def received(self, nodes: list[Node], value):
        return value

