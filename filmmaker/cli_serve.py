"""`filmmaker serve`: the screening room, a page on this machine where the cut plays, the shots show
their state, and casting is a click (filmmaker.serve)."""

from __future__ import annotations

import secrets
import socket
from pathlib import Path
from typing import Optional

import typer

from filmmaker.cli_common import _fail, _warn, err, out
from filmmaker.errors import FilmmakerError

LOOPBACK = "127.0.0.1"


def serve(
    target: Optional[Path] = typer.Argument(None, help="The project folder or its screenplay (YAML, or a script); default: the one here."),
    port: int = typer.Option(8750, "--port", min=0, max=65535, help="The port to listen on (0: any free one)."),
    host: str = typer.Option(LOOPBACK, "--host", help="The address to listen on; anything but 127.0.0.1 lets other machines in."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Worker processes per build; default: every core."),
    preview: bool = typer.Option(False, "--preview", help="Build at half size with the fastest encoder, for drafts."),
) -> None:
    """Serve the screening room: watch the cut, see every shot and its state, build, recast and audition."""
    import uvicorn

    from filmmaker.serve.app import create_app
    from filmmaker.serve.events import EventHub
    from filmmaker.serve.jobs import Jobs
    from filmmaker.serve.project import Project

    try:
        screenplay = _screenplay_of(target or Path.cwd())
        listener = _listen(host, port)
        project = Project(screenplay, preview)
    except FilmmakerError as exc:
        _fail(exc)
    if host != LOOPBACK:
        _warn(f"listening on {host}: anyone who can reach this machine and has the token can build and recast; "
              "use the default 127.0.0.1 unless you mean it")
    token = secrets.token_urlsafe(24)
    hub = EventHub()
    app = create_app(project, token, Jobs(project, hub, jobs), hub)
    bound = listener.getsockname()[1]
    shown = "127.0.0.1" if host in (LOOPBACK, "0.0.0.0") else host
    out.print(f"screening room for {project.path.name}: http://{shown}:{bound}/?token={token}", highlight=False)
    if project.problems:
        for problem in project.problems:
            err.print(problem, style="red", markup=False, highlight=False)
    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=3, lifespan="on")
    uvicorn.Server(config).run(sockets=[listener])


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as exc:
        listener.close()
        raise FilmmakerError(f"cannot listen on {host}:{port} ({exc.strerror}); another program may hold the port: "
                             "give another with --port (0 picks a free one)") from None
    listener.listen(64)
    listener.set_inheritable(True)
    return listener


def _screenplay_of(target: Path) -> Path:
    """A screenplay named, or the one screenplay or script in a project folder."""
    from filmmaker.script.read import SCRIPT_SUFFIXES

    if not target.exists():
        raise FilmmakerError(f"{target}: no such project folder or screenplay")
    if target.is_file():
        return target
    found = sorted(p for p in target.iterdir() if p.suffix.lower() in (".yaml", ".yml", *SCRIPT_SUFFIXES)
                   and not p.name.endswith(".film.yaml"))
    if len(found) != 1:
        names = ", ".join(p.name for p in found) or "none"
        raise FilmmakerError(f"{target}: name the screenplay to serve (found: {names})")
    return found[0]
