"""Builds on a real Ray cluster started here: a head and a second node, one CPU each, on 127.0.0.1,
each with its own worker store (no shared path), torn down at the end."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from filmmaker.cache import Cache

pytest.importorskip("ray")
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "assets" / "examples"
RAY = Path(sys.executable).parent / "ray"
BUILD_TIMEOUT = 600
# Ray's token authentication (its answer to CVE-2023-48022), with a token of this run's own
ENV = {**os.environ, "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(16)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ray(*args: str, env: dict | None = None) -> None:
    subprocess.run([str(RAY), *args], check=True, capture_output=True, timeout=120, env=env or ENV)


@pytest.fixture(scope="module")
def cluster():
    """(address, {node name: its worker store}): two single-CPU nodes on this machine."""
    temp = Path(tempfile.mkdtemp(prefix="fm-ray-", dir="/tmp"))  # short: Ray's socket paths are limited
    port = _free_port()
    address = f"127.0.0.1:{port}"
    stores = {"head": temp / "store-head", "second": temp / "store-second"}
    common = ["--num-cpus", "1", "--num-gpus", "0", "--object-store-memory", str(120 * 2**20),
              "--node-ip-address", "127.0.0.1", "--disable-usage-stats"]
    try:
        _ray("start", "--head", "--port", str(port), "--include-dashboard", "false", "--temp-dir", str(temp / "t"),
             *common, env={**ENV, "FILMMAKER_WORKER_DIR": str(stores["head"])})
        _ray("start", "--address", address, *common, env={**ENV, "FILMMAKER_WORKER_DIR": str(stores["second"])})
        yield address, stores
    finally:
        subprocess.run([str(RAY), "stop", "--force"], capture_output=True, timeout=120, env=ENV)
        shutil.rmtree(temp, ignore_errors=True)


def _project(folder: Path) -> Path:
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns(".filmmaker", "out"))
    return folder / "the-launch.yaml"


def cli(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "filmmaker.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=ROOT, env=ENV, **kwargs)


def run(*args: str, timeout: float = BUILD_TIMEOUT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "filmmaker.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout, env=ENV)


def outputs(folder: Path, cache: Path | None = None) -> dict[str, bytes]:
    """Every file beside the film; for the film itself, the cut it signs (a signature is new bytes)."""
    made = {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    (cut,) = ((cache or folder.parent / ".filmmaker" / "cache") / "cut").rglob("*.mp4")
    return {name: cut.read_bytes() if name.endswith(".mp4") and "/" not in name else data
            for name, data in made.items()}


def _fresh(screenplay: Path) -> None:
    for name in (".filmmaker", "out"):
        shutil.rmtree(screenplay.parent / name, ignore_errors=True)


@pytest.fixture(scope="module")
def local_build(tmp_path_factory):
    """The example's preview built by the local executor: (screenplay, its outputs)."""
    screenplay = _project(tmp_path_factory.mktemp("ray-example") / "p")
    result = run("build", str(screenplay), "--preview")
    assert result.returncode == 0, result.stderr
    return screenplay, outputs(screenplay.parent / "out")


def _graph(screenplay: Path) -> list[dict]:
    result = run("plan", str(screenplay), "--preview", "--graph", "json", timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["nodes"]


def test_the_example_built_on_two_nodes_equals_the_local_build(cluster, local_build):
    address, stores = cluster
    screenplay, local = local_build
    _fresh(screenplay)
    result = run("build", str(screenplay), "--preview", "--executor", "ray", "--address", address)
    assert result.returncode == 0, result.stderr
    assert "on 2 nodes" in result.stdout, result.stdout  # the work crossed nodes
    made = outputs(screenplay.parent / "out")
    assert sorted(made) == sorted(local)
    assert [name for name in made if made[name] != local[name]] == []
    # no shared path: every artifact came back into the driver's cache, whole
    cache = Cache(screenplay.parent / ".filmmaker" / "cache")
    assert cache.verify() == []
    missing = [n["id"] for n in _graph(screenplay) if n["ext"] and not cache.has(n["kind"], n["key"], n["ext"])]
    assert missing == []
    # the inputs reached the nodes by content, into their own stores
    fetched = {p.name for store in stores.values() for p in (store / "inputs").rglob("*") if p.is_file()}
    assert {"deep-field.mp4", "eileen.jpg", "rocket.jpg"} <= fetched
    again = run("build", str(screenplay), "--preview", "--executor", "ray", "--address", address)
    assert again.returncode == 0, again.stderr
    assert "ray:" not in again.stdout  # a no-op rebuild submits nothing


def _workers_of(store: Path, title: str) -> list[int]:
    """Ray worker processes whose store is `store`, busy with `title` (their process title)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().decode(errors="replace")
            environ = (proc / "environ").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if cmdline.startswith(title) and f"FILMMAKER_WORKER_DIR={store}\0" in environ:
            found.append(int(proc.name))
    return found


def test_a_worker_killed_mid_task_is_retried_and_the_bytes_are_the_same(cluster, local_build):
    address, stores = cluster
    screenplay, local = local_build
    _fresh(screenplay)
    build = cli("build", str(screenplay), "--preview", "--executor", "ray", "--address", address)
    killed = 0
    deadline = time.monotonic() + 300
    while build.poll() is None and not killed and time.monotonic() < deadline:
        for pid in _workers_of(stores["second"], "ray::make_one"):
            os.kill(pid, signal.SIGKILL)  # mid-task: the title names the task it runs
            killed += 1
        time.sleep(0.02)
    stdout, stderr = build.communicate(timeout=BUILD_TIMEOUT)
    assert killed, "the second node never ran a task to kill"
    assert build.returncode == 0, stderr.decode()
    made = outputs(screenplay.parent / "out")
    assert [name for name in made if made[name] != local[name]] == []
    cache = Cache(screenplay.parent / ".filmmaker" / "cache")
    assert cache.verify() == []


def test_with_a_cache_every_node_sees_workers_write_there(cluster, local_build, tmp_path):
    address, _ = cluster
    screenplay, local = local_build
    _fresh(screenplay)
    shared = tmp_path / "shared-cache"
    result = run("build", str(screenplay), "--preview", "--executor", "ray", "--address", address,
                 "--cache", str(shared))
    assert result.returncode == 0, result.stderr
    assert "0 bytes returned" in result.stdout, result.stdout  # records only: the bytes are in place
    assert not (screenplay.parent / ".filmmaker" / "cache").exists()
    segments = list((shared / "segment").rglob("*.record.json"))
    assert len(segments) >= 10 and Cache(shared).verify() == []
    made = outputs(screenplay.parent / "out", shared)
    assert [name for name in made if made[name] != local[name]] == []


@pytest.mark.parametrize("command", [["build"], ["export"], ["audition", "FLIGHT", "--actors", "eileen,lav"]])
def test_an_unreachable_address_fails_at_once_naming_it(tmp_path, command):
    screenplay = _project(tmp_path / "p")
    address = f"127.0.0.1:{_free_port()}"
    started = time.monotonic()
    args = [command[0], str(screenplay), *command[1:], "--executor", "ray", "--address", address]
    result = run(*args, timeout=60)
    assert result.returncode == 2
    assert address in result.stderr and "Traceback" not in result.stderr
    assert time.monotonic() - started < 30
    assert not (screenplay.parent / "out").exists()


def test_without_ray_the_executor_names_the_extra_to_install(tmp_path):
    screenplay = _project(tmp_path / "p")
    blocker = tmp_path / "no-ray"
    (blocker / "ray").mkdir(parents=True)
    (blocker / "ray" / "__init__.py").write_text("raise ImportError('ray is not installed here')\n")
    result = subprocess.run([sys.executable, "-m", "filmmaker.cli", "build", str(screenplay), "--executor", "ray"],
                            capture_output=True, text=True, timeout=120, cwd=ROOT,
                            env={**ENV, "PYTHONPATH": str(blocker)})
    assert result.returncode == 2
    assert "pip install 'filmmaker[ray]'" in result.stderr and "Traceback" not in result.stderr


def test_a_gpu_asked_for_on_a_cluster_without_one_fails_before_any_work(cluster, tmp_path):
    address, _ = cluster
    screenplay = _project(tmp_path / "p")
    text = screenplay.read_text()
    screenplay.write_text(text + "\nexecutor: {ray: {gpus: {segment: 1}}}\n")
    result = run("build", str(screenplay), "--preview", "--executor", "ray", "--address", address)
    assert result.returncode == 2
    assert "executor.ray.gpus.segment" in result.stderr and "GPU" in result.stderr
    assert not list((screenplay.parent / ".filmmaker" / "cache").glob("segment/*/*"))


DIFFUSION_FILM = """\
title: Harbour
format: {{width: 160, height: 90, fps: 24}}
imagery: {{model: {model}, steps: 2, seed: 7}}
actors:
  ann: {{voice: {{engine: espeak}}}}
cast: {{ANN: ann}}
scenes:
  - heading: EXT. HARBOUR - DAWN
    shots:
      - {{id: boats, picture: {{prompt: fishing boats in fog}}, duration: 1}}
      - {{id: pier, picture: {{prompt: a woman on the pier}}, lines: [{{speaker: ANN, text: Hello.}}]}}
      - {{id: gulls, picture: {{prompt: gulls over the water}}, duration: 1}}
"""


def test_a_model_node_loads_its_model_once_per_actor_and_matches_the_local_pictures(cluster, tmp_path):
    pytest.importorskip("diffusers")
    from tests.diffusion_model import build_tiny_pipeline

    address, _ = cluster
    model = build_tiny_pipeline(tmp_path / "models" / "tiny-sd")
    screenplay = tmp_path / "film" / "harbour.yaml"
    screenplay.parent.mkdir()
    screenplay.write_text(DIFFUSION_FILM.format(model=model))
    local = run("build", str(screenplay), "--jobs", "1")
    assert local.returncode == 0, local.stderr
    local_out = outputs(screenplay.parent / "out")
    _fresh(screenplay)
    result = run("build", str(screenplay), "--executor", "ray", "--address", address)
    assert result.returncode == 0, result.stderr
    assert "image 3 built" in result.stdout, result.stdout
    assert "image loaded 1x" in result.stdout, result.stdout  # three pictures, one load in one actor
    made = outputs(screenplay.parent / "out")
    assert [name for name in made if made[name] != local_out[name]] == []
