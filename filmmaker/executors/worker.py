"""A pool worker: builds its Workshop once, then makes the nodes it is handed.

A worker dies with the scheduler (it watches it, and sends itself SIGTERM), and turns SIGTERM
into an interrupt so whatever it was writing is removed on the way out: a killed build leaves no
orphan at work and nothing under a final name that is not whole.
"""

from __future__ import annotations

import os
import signal
import time

_WORKSHOPS: dict[str, object] = {}


def start() -> None:
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the scheduler's to handle; it stops us
    _die_with_parent()
    import cv2

    cv2.setNumThreads(1)  # the pool runs a process per core: threads inside each only contend


def warm() -> None:
    """Load what most nodes need while the scheduler resolves the film."""
    import cv2  # noqa: F401
    import numpy  # noqa: F401

    import filmmaker.graph.segment  # noqa: F401
    import filmmaker.render.shot  # noqa: F401
    import filmmaker.render.voice  # noqa: F401


def _workshop(spec_file: str):
    """The build's Workshop, loaded from its spec file on the first task of that build."""
    if spec_file not in _WORKSHOPS:
        import pickle

        from filmmaker.graph.workshop import Workshop

        with open(spec_file, "rb") as fh:
            _WORKSHOPS[spec_file] = Workshop(pickle.load(fh))
    return _WORKSHOPS[spec_file]


_BUSY = False


def _interrupt(signum, frame) -> None:
    if not _BUSY:
        os._exit(1)  # idle: nothing to tidy
    raise KeyboardInterrupt  # mid-node: unwind, so the temp files it was writing are removed


def _die_with_parent() -> None:
    import multiprocessing
    import threading

    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the watch below still stops us
        pass
    # The death signal follows the process we were forked from, the fork server, which outlives a
    # killed scheduler while its workers live. So watch the scheduler itself: its sentinel becomes
    # ready when it dies, at whatever point of our start-up that happens.
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_stop_when_gone, args=(parent.sentinel,), daemon=True,
                         name="watch-scheduler").start()


def _stop_when_gone(sentinel) -> None:
    from multiprocessing.connection import wait

    wait([sentinel])
    os.kill(os.getpid(), signal.SIGTERM)


def run(spec_file: str, nodes) -> tuple[dict[str, dict], float]:
    global _BUSY
    _BUSY = True
    try:
        return run_with(_workshop(spec_file), nodes)
    except KeyboardInterrupt:
        os._exit(1)  # stopped: the node's own clean-up has run on the way here
    finally:
        _BUSY = False


def run_with(work, nodes) -> tuple[dict[str, dict], float]:
    """Make `nodes` (one, or a batch of one heavy kind): results per node id, and the seconds taken."""
    from filmmaker.graph.kinds import BATCH_MAKERS, make_batch, make_node

    started = time.perf_counter()
    if nodes[0].kind in BATCH_MAKERS:
        results = make_batch(work, nodes)
    else:  # one node, or a heavy engine's nodes made in turn by the worker that holds it (Coqui lines)
        results = {node.id: make_node(work, node) for node in nodes}
    return results, time.perf_counter() - started
