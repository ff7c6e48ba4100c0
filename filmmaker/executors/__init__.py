"""Executors run a film's graph: `local` on this machine's cores (the default), `ray` on a Ray
cluster. `ExecutorOptions` is what a command asks for; `open_executor` gives the one it names."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

EXECUTORS = ("local", "ray")
CACHE_ENV = "FILMMAKER_CACHE"  # a cache folder to use instead of the project's .filmmaker/cache


@dataclass(frozen=True)
class ExecutorOptions:
    name: str = "local"
    jobs: int = 1  # local: worker processes (1: everything in this one)
    address: str | None = None  # ray: HOST:PORT of the head, "auto", or None to start one here
    gpus: dict[str, float] = field(default_factory=dict)  # ray: node kind -> GPUs per node of it
    cache: Path | None = None  # a cache folder every node sees (--cache, or FILMMAKER_CACHE)

    def cache_root(self, state_dir: Path) -> Path:
        return self.cache or state_dir / "cache"


def shared_cache(given: Path | None) -> Path | None:
    """--cache, else FILMMAKER_CACHE, else none (the project's own)."""
    if given is not None:
        return given.expanduser().absolute()
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser().absolute() if env else None


def open_executor(options: ExecutorOptions, warm: bool = False):
    if options.name == "ray":
        from filmmaker.executors.ray_executor import RayExecutor

        return RayExecutor(options.address, options.gpus, options.cache)
    from filmmaker.executors.local import LocalExecutor

    return LocalExecutor(options.jobs, warm=warm)
