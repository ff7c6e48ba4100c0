"""The screening room's routes through an ASGI test client, on a copy of the example built at preview
size: the token, media by id only (no path reaches the filesystem), range requests, bad requests
answered with a 4xx in JSON, one build at a time, a failing build that keeps the cut, and "make this
the cast" editing the screenplay in place."""

from __future__ import annotations

import os
import time

import pytest

pytest.importorskip("starlette")
from starlette.testclient import TestClient

from filmmaker.serve.app import COOKIE, create_app
from filmmaker.serve.castedit import set_cast
from filmmaker.serve.project import Project

TOKEN = "test-token-1234"
HEADERS = {"X-Filmmaker-Token": TOKEN}


@pytest.fixture
def client(built_copy):
    project = Project(built_copy, preview=True)
    with TestClient(create_app(project, TOKEN), raise_server_exceptions=False) as client:
        client.cookies.set(COOKIE, TOKEN)
        yield client


def film(client) -> dict:
    response = client.get("/api/film")
    assert response.status_code == 200, response.text
    return response.json()


def wait_for_build(client, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while (state := film(client))["build"]["state"] == "running":
        assert time.monotonic() < deadline, "the build did not finish"
        time.sleep(0.3)
    return state


def test_the_page_and_every_read_need_the_token(built_copy):
    with TestClient(create_app(Project(built_copy, preview=True), TOKEN)) as anonymous:
        for path in ("/", "/api/film", "/api/plan", "/api/events"):
            response = anonymous.get(path)
            assert response.status_code == 403 and "access token" in response.json()["error"], path
        assert anonymous.get("/?token=wrong").status_code == 403
        page = anonymous.get(f"/?token={TOKEN}")
        assert page.status_code == 200 and f'content="{TOKEN}"' in page.text and "The Launch" in page.text
        assert anonymous.cookies.get(COOKIE) == TOKEN  # the page's own requests carry it from now on
        assert anonymous.get("/api/film").status_code == 200


def test_changes_need_the_token_in_the_header_not_just_the_cookie(client):
    for path, body in (("/api/build", {}), ("/api/cast", {"role": "FLIGHT", "actor": "june"}),
                       ("/api/audition", {"role": "FLIGHT", "actors": ["lav", "june"]}), ("/api/cut", {"which": "main"})):
        assert client.post(path, json=body).status_code == 403, path  # a cookie alone: another site's form could
        assert client.post(path, json=body, headers={"X-Filmmaker-Token": "nope"}).status_code == 403
    assert film(client)["build"]["state"] == "idle"


def test_the_state_lists_every_shot_cached_with_thumbnails_and_the_cut(client):
    state = film(client)
    assert [s["id"] for s in state["shots"]] == ["title", "deepfield", "commander", "console", "trend", "pad-card",
                                                  "rocket", "sky", "end"]
    assert all(s["state"] == "cached" and s["thumbnail"] for s in state["shots"])
    starts = [s["start"] for s in state["shots"]]
    assert starts == sorted(starts) and starts[0] == 0
    assert state["cut"]["video"] and state["cut"]["subtitles"] and state["cut"]["chapters"]
    assert {r["role"]: r["actor"] for r in state["roles"]} == {"COMMANDER": "eileen", "FLIGHT": "lav"}
    assert {d["name"] for d in state["downloads"]} >= {"the-launch.mp4", "the-launch.srt", "the-launch.vtt",
                                                       "the-launch.edl", "the-launch.otio", "credits.txt",
                                                       "dialogue.wav"}
    assert "Cast" in state["credits"] and state["cue_sheet"]
    chapters = client.get(f"/media/{state['cut']['chapters']}")
    assert chapters.text.startswith("WEBVTT") and "INT. MISSION CONTROL - NIGHT" in chapters.text


def test_media_are_served_by_id_with_ranges_and_nothing_else(client, built_copy):
    state = film(client)
    video = client.get(f"/media/{state['cut']['video']}", headers={"Range": "bytes=100-199"})
    assert video.status_code == 206 and len(video.content) == 100
    assert video.headers["content-range"].startswith("bytes 100-199/")
    for path in ("/media/../../etc/passwd", "/media/..%2f..%2fetc%2fpasswd", "/media/%2fetc%2fpasswd",
                 "/media/%2e%2e%2fthe-launch.yaml", "/media/" + "0" * 24, "/media/the-launch.mp4",
                 "/static/../the-launch.yaml", "/static/%2e%2e/app.py", "/media//etc/passwd"):
        response = client.get(path)
        assert response.status_code == 404, (path, response.status_code)
    # a file the server offered that has since become a link is not served
    out = built_copy.parent / "out"
    edl = next(d for d in state["downloads"] if d["name"] == "the-launch.edl")
    (out / "the-launch.edl").unlink()
    os.symlink("/etc/hostname", out / "the-launch.edl")
    assert client.get(f"/media/{edl['id']}").status_code == 404
    assert "the-launch.edl" not in {d["name"] for d in film(client)["downloads"]}


@pytest.mark.parametrize("path, body, status, message", [
    ("/api/build", b"{not json", 400, "not JSON"),
    ("/api/build", b"[1, 2]", 400, "JSON object"),
    ("/api/build", b'{"cast": "FLIGHT=june"}', 400, "ROLE: ACTOR"),
    ("/api/build", b'{"cast": {"FLIGHT": "nobody"}}', 400, "no actor 'nobody'"),
    ("/api/build", b'{"cast": {"PILOT": "june"}}', 400, "no role 'PILOT'"),
    ("/api/audition", b'{"role": "FLIGHT", "actors": ["june"]}', 400, "2 to 4 actors"),
    ("/api/audition", b'{"role": "FLIGHT"}', 400, "actors"),
    ("/api/cast", b'{"role": "FLIGHT"}', 400, "actor"),
    ("/api/cut", b'{"which": "other"}', 400, "main"),
    ("/api/build", b"x" * 70_000, 413, "too large"),
])
def test_bad_requests_get_a_4xx_in_json(client, path, body, status, message):
    response = client.post(path, content=body, headers={**HEADERS, "Content-Type": "application/json"})
    assert response.status_code == status and message in response.json()["error"], response.text
    assert "Traceback" not in response.text


def test_a_recast_plan_names_the_role_shots(client):
    plan = client.get("/api/plan", params={"cast": "FLIGHT=june"}).json()
    flight = next(role for role in film(client)["roles"] if role["role"] == "FLIGHT")
    assert plan["shots"] == flight["shots"] and plan["lines"] > 0 and plan["estimate_seconds"] > 0
    assert client.get("/api/plan", params={"cast": "FLIGHT"}).status_code == 400
    assert client.get("/api/nothing").status_code == 404


def test_one_build_at_a_time(client):
    main_starts = [shot["start"] for shot in film(client)["shots"]]
    first = client.post("/api/build", json={"cast": {"FLIGHT": "june"}}, headers=HEADERS)
    assert first.status_code == 202 and first.json()["state"] == "running"
    second = client.post("/api/build", json={}, headers=HEADERS)  # while the recast's lines are spoken
    assert second.status_code == 409, second.text
    assert second.json()["state"] == "running" and second.json()["job"] == first.json()["job"]
    state = wait_for_build(client)
    assert state["build"]["state"] == "done" and "FLIGHT=june" in state["cut"]["label"]
    assert state["cut"]["video"] != state["main_cut"]["video"]
    # the alternate's lines run to other lengths: its tiles seek to its own shot starts
    starts = [shot["start"] for shot in state["shots"]]
    assert starts[0] == 0 and starts == sorted(starts) and starts != main_starts


def test_a_failing_build_shows_its_error_and_keeps_the_cut(client, built_copy):
    cut = film(client)["cut"]["video"]
    (built_copy.parent / "media" / "astronaut.jpg").unlink()  # gone after the page loaded: the build fails
    assert client.post("/api/build", json={}, headers=HEADERS).status_code == 202
    state = wait_for_build(client)
    assert state["build"]["state"] == "failed" and "astronaut.jpg" in state["build"]["error"]
    assert state["cut"]["video"] == cut and client.get(f"/media/{cut}").status_code == 200
    # the screenplay now names a missing file: the page lists the problem, and a build is refused
    assert any("astronaut.jpg" in problem for problem in state["problems"]), state["problems"]
    refused = client.post("/api/build", json={}, headers=HEADERS)
    assert refused.status_code == 400 and "problems" in refused.json()["error"]


def test_make_this_the_cast_edits_only_that_value(client, built_copy):
    before = built_copy.read_text()
    response = client.post("/api/cast", json={"role": "FLIGHT", "actor": "june"}, headers=HEADERS)
    assert response.status_code == 200, response.text
    after = built_copy.read_text()
    assert after == before.replace("  FLIGHT: lav\n", "  FLIGHT: june\n", 1)
    assert {r["role"]: r["actor"] for r in film(client)["roles"]}["FLIGHT"] == "june"


def test_set_cast_in_a_scripts_sidecar(tmp_path):
    script = tmp_path / "film.fountain"
    script.write_text("INT. ROOM - DAY\n\nA room.\n\nMARA\nHello.\n")
    sidecar = tmp_path / "film.film.yaml"
    assert set_cast(script, "MARA", "woman") == sidecar and sidecar.read_text() == "cast:\n  MARA: woman\n"
    set_cast(script, "MARA", "man")
    assert sidecar.read_text() == "cast:\n  MARA: man\n"
    sidecar.write_text("# mine\nformat: {width: 640, height: 360}\ncast: {}\n")
    set_cast(script, "MARA", "woman-mezzo")
    assert sidecar.read_text() == "# mine\nformat: {width: 640, height: 360}\ncast: {MARA: woman-mezzo}\n"
    set_cast(script, "JO", "man")
    assert sidecar.read_text().endswith("cast: {MARA: woman-mezzo, JO: man}\n")
    sidecar.write_text("format: {width: 640, height: 360}  # keep\n")
    set_cast(script, "MARA", "man")
    assert sidecar.read_text() == "format: {width: 640, height: 360}  # keep\ncast:\n  MARA: man\n"


def test_an_audition_builds_a_reel_and_its_contact_sheet(client):
    started = client.post("/api/audition", json={"role": "FLIGHT", "actors": ["lav", "june"]}, headers=HEADERS)
    assert started.status_code == 202, started.text
    state = wait_for_build(client)
    assert state["build"]["state"] == "done" and state["build"]["kind"] == "audition", state["build"]
    audition = state["audition"]
    assert audition["role"] == "FLIGHT" and audition["actors"] == ["lav", "june"]
    reel = client.get(f"/media/{audition['reel']}")
    assert reel.status_code == 200 and reel.content[4:8] == b"ftyp"
    sheet = client.get(f"/media/{audition['contact_sheet']}")
    assert sheet.status_code == 200 and sheet.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert "FLIGHT=" not in state["cut"]["label"]  # an audition is not a cut: the main cut still plays
