"""One build at a time per project, in a thread beside the server: the main cut, an alternate cut for
a recast (its own folder; the screenplay untouched), or an audition reel. Progress goes to every open
page as events; a failure is kept and shown, and the cut that was playing stays."""

from __future__ import annotations

import itertools
import os
import threading
import traceback

from filmmaker.errors import FilmmakerError, ScreenplayError
from filmmaker.serve.events import EventHub
from filmmaker.serve.project import Project, cast_folder, cast_label

_ids = itertools.count(1)


class Busy(Exception):
    def __init__(self, job: dict):
        super().__init__("a build is already running")
        self.job = job


class PageReporter:
    """The build's progress per node kind, as events (and as state, for a page that opens mid-build)."""

    def __init__(self, hub: EventHub, job: dict):
        self.hub, self.job = hub, job

    def stage(self, name: str, total: int) -> None:
        if total:
            self.job["progress"][name] = [0, total]
            self.hub.publish("stage", {"job": self.job["job"], "kind": name, "total": total})

    def advance(self, name: str) -> None:
        done = self.job["progress"].setdefault(name, [0, 0])
        done[0] += 1
        self.hub.publish("progress", {"job": self.job["job"], "kind": name, "done": done[0], "total": done[1]})


class Jobs:
    def __init__(self, project: Project, hub: EventHub, jobs: int | None = None):
        self.project, self.hub = project, hub
        self.workers = jobs or os.cpu_count() or 1
        self.current: dict | None = None  # the running job
        self.last: dict | None = None  # the last finished one: its state, error, warnings, what it built
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def state(self) -> dict:
        with self._lock:
            job = self.current or self.last
            if job is None:
                return {"state": "idle", "job": None, "kind": None, "progress": {}, "error": None, "warnings": [],
                        "built": {}}
            return {key: job[key] for key in ("state", "job", "kind", "progress", "error", "warnings", "built")} | \
                {"state": job["state"] if self.current is None else "running"}

    def start(self, kind: str, work, **details) -> dict:
        """Run `work(reporter)` in a thread, or raise Busy if a job is running."""
        with self._lock:
            if self.current is not None:
                raise Busy(dict(self.current))
            job = {"job": f"j{next(_ids)}", "kind": kind, "state": "running", "progress": {}, "error": None,
                   "warnings": [], "built": {}, **details}
            self.current = job
        thread = threading.Thread(target=self._run, args=(job, work), name=f"filmmaker-{kind}", daemon=True)
        self._threads.append(thread)
        thread.start()
        self.hub.publish("build", {"job": job["job"], "kind": kind, "state": "running"})
        return {"job": job["job"], "state": "running"}

    def _run(self, job: dict, work) -> None:
        try:
            outcome = work(PageReporter(self.hub, job)) or {}
        except ScreenplayError as exc:
            job.update(state="failed", error="\n".join(str(p) for p in exc.problems))
        except FilmmakerError as exc:
            job.update(state="failed", error=str(exc))
        except Exception as exc:  # noqa: BLE001 - a bug must not take the server down: shown, and logged
            traceback.print_exc()
            job.update(state="failed", error=f"internal error ({type(exc).__name__}: {exc}); see the server's log")
        else:
            job.update(state="done", **outcome)
        self.project.reload()  # first: a page told the job ended reads the plan it left
        with self._lock:
            self.current, self.last = None, job
        self.hub.publish("build", {"job": job["job"], "kind": job["kind"], "state": job["state"],
                                   "error": job["error"]})
        if job["kind"] == "audition" and job["state"] == "done":
            self.hub.publish("audition", {"job": job["job"], "state": "done", **(self.project.audition or {})})
        self.hub.publish("plan", {"version": self.project.version})

    # -- the three kinds of work ------------------------------------------------------------

    def build(self, cast: dict[str, str] | None = None) -> dict:
        project = self.project
        if project.problems:  # the file on disk is not the film the page shows: build nothing
            raise FilmmakerError("the screenplay has problems; fix them first:\n" + "\n".join(project.problems))
        recast = {role: actor for role, actor in (cast or {}).items()
                  if project.sp is None or project.sp.cast.get(role) != actor}
        sp = project.checked_cast(recast)
        outdir = project.outdir / "alternates" / cast_folder(recast) if recast else project.outdir

        def work(reporter):
            from filmmaker.build import build_film
            from filmmaker.plan import plan_film

            report_plan = plan_film(sp, preview=project.preview, cast=recast)
            report = build_film(report_plan, outdir, reporter, jobs=self.workers)
            timing = report.timing  # an alternate's lines run to other lengths: its shots start elsewhere
            starts = {ps.id: float(timing.seconds(timing.starts[ps.index])) for ps in report_plan.shots}
            with project.lock:
                project.alternate = {"cast": recast, "outdir": outdir, "starts": starts,
                                     "seconds": float(timing.total_seconds),
                                     "label": f"alternate: {cast_label(recast)}"} if recast else None
            return {"warnings": report.warnings, "built": report.built}

        return self.start("recast" if recast else "build", work, cast=recast)

    def audition(self, role: str, actors: list[str]) -> dict:
        project = self.project
        sp = project.checked_cast({role: actors[0]})

        def work(reporter):
            from filmmaker.audition import audition

            report = audition(sp, role, actors, project.outdir / "auditions", reporter=reporter, jobs=self.workers,
                              preview=True)  # a reel to compare takes, not to deliver
            with project.lock:
                project.audition = {"role": role, "actors": actors,
                                    "reel": project.artifacts.offer(report.reel),
                                    "contact_sheet": project.artifacts.offer(report.contact_sheet)}
            return {"warnings": [w for build in report.builds for w in build.warnings]}

        return self.start("audition", work, role=role, actors=actors)

    def wait(self, timeout: float | None = None) -> None:
        for thread in list(self._threads):
            thread.join(timeout)
