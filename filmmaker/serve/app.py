"""The screening room's routes (Starlette). The page and every read need the run's token (from the URL
once, then a cookie); every request that changes anything needs it in the X-Filmmaker-Token header,
which another site's page cannot set. Media are served by id only; a bad request gets a 4xx in JSON."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import html
import json
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from filmmaker.errors import FilmmakerError
from filmmaker.serve.events import EventHub
from filmmaker.serve.jobs import Busy, Jobs
from filmmaker.serve.project import Project
from filmmaker.serve.watch import Watcher

STATIC = Path(__file__).resolve().parent / "static"
COOKIE = "filmmaker_token"
MAX_BODY = 64 * 1024
MEDIA_TYPES = {".vtt": "text/vtt", ".srt": "text/plain; charset=utf-8", ".csv": "text/csv; charset=utf-8",
               ".txt": "text/plain; charset=utf-8", ".otio": "application/json", ".edl": "text/plain; charset=utf-8"}


def create_app(project: Project, token: str, jobs: Jobs | None = None, hub: EventHub | None = None) -> Starlette:
    hub = hub or EventHub()
    jobs = jobs or Jobs(project, hub)

    def allowed(request: Request, header_only: bool = False) -> bool:
        given = request.headers.get("x-filmmaker-token") or ("" if header_only else
                                                              request.cookies.get(COOKIE) or
                                                              request.query_params.get("token", ""))
        return hmac.compare_digest(given.encode(), token.encode())

    def need(request: Request, header_only: bool = False) -> None:
        if not allowed(request, header_only):
            raise HTTPException(403, "this needs the access token printed by `filmmaker serve`" +
                                (" (in the X-Filmmaker-Token header)" if header_only else ""))

    async def page(request: Request) -> Response:
        need(request)
        state = project.state()
        text = (STATIC / "index.html").read_text(encoding="utf-8")
        text = text.replace("{{TOKEN}}", html.escape(token)).replace("{{TITLE}}", html.escape(state["title"]))
        response = HTMLResponse(text, headers={"Cache-Control": "no-store"})
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict")
        return response

    async def film(request: Request) -> Response:
        need(request)
        build = jobs.state()  # first: a job seen ended has reloaded the plan read next
        state = await asyncio.to_thread(project.state)
        return JSONResponse({**state, "build": build})

    async def plan(request: Request) -> Response:
        need(request)
        cast = {}
        for pair in request.query_params.getlist("cast"):
            role, sep, actor = pair.partition("=")
            if not sep or not role or not actor:
                raise HTTPException(400, f"cast {pair!r}: write it as ROLE=ACTOR")
            cast[role] = actor
        return JSONResponse(await asyncio.to_thread(project.recast_plan, cast))

    async def build(request: Request) -> Response:
        need(request, header_only=True)
        body = await _json(request)
        cast = body.get("cast") or {}
        if not isinstance(cast, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in cast.items()):
            raise HTTPException(400, "cast: give an object of ROLE: ACTOR")
        return JSONResponse(jobs.build(cast), status_code=202)

    async def audition(request: Request) -> Response:
        need(request, header_only=True)
        body = await _json(request)
        role, actors = body.get("role"), body.get("actors")
        if not isinstance(role, str) or not isinstance(actors, list) or not all(isinstance(a, str) for a in actors):
            raise HTTPException(400, "give {\"role\": ROLE, \"actors\": [ACTOR, ...]}")
        if not 2 <= len(actors) <= 4:
            raise HTTPException(400, f"an audition compares 2 to 4 actors, got {len(actors)}")
        for actor in actors:  # each candidate a known actor, the role a known role
            project.checked_cast({role: actor})
        return JSONResponse(jobs.audition(role, actors), status_code=202)

    async def cast(request: Request) -> Response:
        need(request, header_only=True)
        from filmmaker.serve.castedit import set_cast

        body = await _json(request)
        role, actor = body.get("role"), body.get("actor")
        if not isinstance(role, str) or not isinstance(actor, str):
            raise HTTPException(400, "give {\"role\": ROLE, \"actor\": ACTOR}")
        project.checked_cast({role: actor})
        edited = await asyncio.to_thread(set_cast, project.path, role, actor)
        await asyncio.to_thread(project.reload)
        hub.publish("plan", {"version": project.version})
        return JSONResponse({"ok": True, "file": edited.name})

    async def switch_cut(request: Request) -> Response:
        need(request, header_only=True)
        body = await _json(request)
        if body.get("which") != "main":
            raise HTTPException(400, "give {\"which\": \"main\"}")
        with project.lock:
            project.alternate = None
            project.version += 1
        hub.publish("plan", {"version": project.version})
        return JSONResponse({"ok": True})

    async def events(request: Request) -> Response:
        need(request)
        return StreamingResponse(hub.stream(request.is_disconnected), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    async def media(request: Request) -> Response:
        need(request)
        path = project.artifacts.path(request.path_params["artifact"])
        if path is None:
            raise HTTPException(404, "no such media")
        return FileResponse(path, media_type=MEDIA_TYPES.get(path.suffix), headers={"Cache-Control": "no-cache"})

    async def failure(request: Request, exc: Exception) -> Response:
        if isinstance(exc, HTTPException):
            return JSONResponse({"error": exc.detail}, status_code=exc.status_code)
        if isinstance(exc, Busy):
            return JSONResponse({"error": str(exc), "job": exc.job["job"], "state": "running"}, status_code=409)
        if isinstance(exc, FilmmakerError):
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse({"error": f"internal error ({type(exc).__name__}); see the server's log"}, status_code=500)

    routes = [
        Route("/", page), Route("/api/film", film), Route("/api/plan", plan), Route("/api/events", events),
        Route("/api/build", build, methods=["POST"]), Route("/api/audition", audition, methods=["POST"]),
        Route("/api/cast", cast, methods=["POST"]), Route("/api/cut", switch_cut, methods=["POST"]),
        Route("/media/{artifact}", media), Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    @contextlib.asynccontextmanager
    async def lifespan(app):
        hub.bind(asyncio.get_running_loop())
        watcher = Watcher(project, lambda: hub.publish("plan", {"version": project.version}))
        watcher.start()
        try:
            yield
        finally:
            hub.closed = True  # open event streams end, so the server can stop
            watcher.stop()

    handlers = {HTTPException: failure, Busy: failure, FilmmakerError: failure, Exception: failure}
    app = Starlette(routes=routes, exception_handlers=handlers, lifespan=lifespan)
    app.state.project, app.state.jobs, app.state.hub = project, jobs, hub
    return app


async def _json(request: Request) -> dict:
    if int(request.headers.get("content-length") or 0) > MAX_BODY:
        raise HTTPException(413, "request body too large")
    body = await request.body()
    if len(body) > MAX_BODY:
        raise HTTPException(413, "request body too large")
    try:
        data = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise HTTPException(400, "the request body is not JSON") from None
    if not isinstance(data, dict):
        raise HTTPException(400, "the request body must be a JSON object")
    return data
