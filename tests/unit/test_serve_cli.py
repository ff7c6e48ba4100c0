"""`filmmaker serve` refuses what it cannot serve, with exit 2 and no traceback: no such project, a
folder with no single screenplay, a port already taken; and warns when it listens beyond this machine."""

from __future__ import annotations

import os
import socket
import subprocess
import sys


def serve(*args, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "filmmaker.cli", "serve", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout)


def test_no_such_project(tmp_path):
    result = serve(tmp_path / "missing.yaml")
    assert result.returncode == 2 and "no such project folder or screenplay" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_folder_needs_one_screenplay(tmp_path):
    (tmp_path / "a.yaml").write_text("title: A\n")
    (tmp_path / "b.fountain").write_text("INT. ROOM - DAY\n")
    result = serve(tmp_path)
    assert result.returncode == 2 and "name the screenplay to serve (found: a.yaml, b.fountain)" in result.stderr


def test_a_port_in_use_is_refused(example):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = serve(example, "--port", port)
    assert result.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "--port" in result.stderr and "Traceback" not in result.stderr


def test_listening_beyond_this_machine_warns(example):
    process = subprocess.Popen([sys.executable, "-m", "filmmaker.cli", "serve", str(example), "--port", "0", "--host",
                                "0.0.0.0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = process.stdout.readline()
        assert "screening room for the-launch.yaml: http://127.0.0.1:" in line and "?token=" in line
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=20)
    assert "warning: listening on 0.0.0.0" in stderr
