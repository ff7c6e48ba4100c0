"""The screening room end to end, in a real browser: `filmmaker serve` started on a copy of the built
example, Playwright driving Debian's headless Chromium (scripts/install-browser installs it).

The cut plays and seeks to a clicked shot, its subtitles load; a recast chosen in the page streams
its progress and plays as an alternate cut that rebuilt exactly the role's shots, the screenplay
untouched; an edit of the file on disk shows on its shot's tile within 2 s; a build without the token
is refused and paths are never served; screenshots of the main views are not blank."""

from __future__ import annotations

import http.client
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import numpy as np
import pytest

try:
    from playwright import sync_api as playwright
except ImportError:  # a missing test dependency fails the browser tests, loudly, never skips them
    playwright = None
INSTALL = "scripts/install-browser (it runs: apt-get install chromium)"


def chromium() -> str:
    for name in (os.environ.get("FILMMAKER_CHROMIUM"), "chromium", "chromium-browser"):
        found = name and shutil.which(name)
        if found:
            return found
    pytest.fail(f"no Chromium found for the screening room's browser tests; install it with {INSTALL}")


class Server:
    """`filmmaker serve` in its own process, on a free port; stopped (and waited for) at the end."""

    def __init__(self, screenplay: Path):
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen([sys.executable, "-m", "filmmaker.cli", "serve", str(screenplay), "--port",
                                         "0", "--preview", "--jobs", "1"], stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, env=env)
        deadline = time.monotonic() + 60
        self.log = ""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 1)
            if ready:
                line = self.process.stdout.readline()
                self.log += line
                match = re.search(r"(http://127\.0\.0\.1:\d+/)\?token=(\S+)", line)
                if match:
                    self.base, self.token = match.groups()
                    self.url = f"{self.base}?token={self.token}"
                    return
            if self.process.poll() is not None:
                break
        self.stop()
        pytest.fail(f"filmmaker serve did not start:\n{self.log}")

    def request(self, method: str, path: str, body: dict | None = None, token: bool = True):
        parsed = urllib.parse.urlparse(self.base)
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        headers = {"Content-Type": "application/json"}
        if token:
            headers["X-Filmmaker-Token"] = self.token
            headers["Cookie"] = f"filmmaker_token={self.token}"
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, data

    def film(self) -> dict:
        status, data = self.request("GET", "/api/film")
        assert status == 200, data
        return json.loads(data)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


@pytest.fixture
def server(built_copy):
    running = Server(built_copy)
    yield running
    running.stop()
    assert running.process.returncode is not None


@pytest.fixture(scope="module")
def browser():
    if playwright is None:
        pytest.fail("Playwright is not installed: pip install -e '.[test]'")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox",
                                                                      "--autoplay-policy=no-user-gesture-required"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server.url)
    page.wait_for_selector("article.shot")
    yield page
    context.close()
    assert not errors, errors


def not_blank(path: Path) -> None:
    from PIL import Image

    pixels = np.asarray(Image.open(path).convert("L"), dtype=np.float32)
    assert pixels.std() > 8, f"{path} looks blank (std {pixels.std():.1f})"


def playing_time(page) -> float:
    return page.evaluate("document.getElementById('player').currentTime")


def test_the_cut_plays_seeks_to_a_clicked_shot_and_loads_its_subtitles(page, server, tmp_path):
    state = server.film()
    ids = page.eval_on_selector_all("article.shot", "tiles => tiles.map(t => t.dataset.shotId)")
    assert ids == [shot["id"] for shot in state["shots"]] and len(ids) == 9
    page.evaluate("() => { const v = document.getElementById('player'); v.muted = true; return v.play(); }")
    page.wait_for_function("document.getElementById('player').currentTime > 0.5", timeout=20_000)
    page.wait_for_function("""() => { const t = document.querySelector('#player track[kind=subtitles]');
                                       return t && t.readyState === 2 && t.track.cues.length > 0; }""", timeout=10_000)
    target = next(shot for shot in state["shots"] if shot["id"] == "rocket")
    page.click('article.shot[data-shot-id="rocket"]')
    page.wait_for_function(f"Math.abs(document.getElementById('player').currentTime - {target['start']}) < 1",
                           timeout=5_000)
    assert abs(playing_time(page) - target["start"]) < 1
    page.screenshot(path=str(tmp_path / "room.png"), full_page=True)
    not_blank(tmp_path / "room.png")
    page.locator("#shots").screenshot(path=str(tmp_path / "shots.png"))
    not_blank(tmp_path / "shots.png")


def test_a_recast_in_the_page_plays_an_alternate_cut_of_the_roles_shots(page, server, built_copy, tmp_path):
    screenplay_before = built_copy.read_bytes()
    flight = next(role for role in server.film()["roles"] if role["role"] == "FLIGHT")
    page.evaluate("""() => { window.seen = []; const events = new EventSource('/api/events');
                             for (const kind of ['stage', 'progress', 'build'])
                                 events.addEventListener(kind, e => window.seen.push([kind, JSON.parse(e.data)])); }""")
    page.select_option('select.recast[data-role="FLIGHT"]', "june")
    page.wait_for_selector("button.build-alternate")
    page.locator("#casting").screenshot(path=str(tmp_path / "casting.png"))
    not_blank(tmp_path / "casting.png")
    main_video = server.film()["cut"]["video"]
    page.click("button.build-alternate")
    page.wait_for_function("window.seen.some(([kind, data]) => kind === 'build' && data.state === 'done')",
                           timeout=240_000)
    seen = page.evaluate("window.seen")
    assert any(kind == "progress" and data["kind"] == "line" for kind, data in seen)
    assert any(kind == "progress" and data["kind"] == "segment" for kind, data in seen)
    state = server.film()
    assert state["build"]["state"] == "done" and state["cut"]["video"] != main_video
    assert "FLIGHT=june" in state["cut"]["label"]
    built = state["build"]["built"]
    shots = {segment for segment in built["segment"] if ">" not in segment}
    assert shots == set(flight["shots"]), built
    assert all(set(segment.split(">")) & set(flight["shots"]) for segment in built["segment"])
    page.wait_for_function(f"document.getElementById('player').src.includes('{state['cut']['video']}')",
                           timeout=10_000)
    page.evaluate("() => { const v = document.getElementById('player'); v.muted = true; return v.play(); }")
    page.wait_for_function("document.getElementById('player').currentTime > 0.5", timeout=20_000)
    assert built_copy.read_bytes() == screenplay_before


def test_an_edit_on_disk_shows_on_its_tile_within_two_seconds(page, built_copy):
    tile = page.locator('article.shot[data-shot-id="console"] .state')
    assert tile.inner_text() == "cached"
    text = built_copy.read_text()
    assert "Show me the trend, not the number." in text
    built_copy.write_text(text.replace("Show me the trend, not the number.", "Show me the trend."))
    started = time.monotonic()
    # the line is shorter, so the shot's timing changes with its text
    playwright.expect(tile).to_have_text(re.compile(r"^will rebuild: text\b"), timeout=2_000)
    assert time.monotonic() - started < 2
    assert page.locator('article.shot[data-shot-id="trend"] .state').inner_text() == "cached"


def test_no_token_no_build_and_no_path_is_ever_served(server):
    status, data = server.request("POST", "/api/build", {}, token=False)
    assert status == 403 and b"token" in data
    for path in ("/media/../../../etc/passwd", "/media/..%2f..%2f..%2fetc%2fpasswd", "/media//etc/passwd",
                 "/media/%2Fetc%2Fpasswd", "/static/../../the-launch.yaml", "/static/..%2f..%2fthe-launch.yaml",
                 f"/media/{'a' * 24}", "/media/the-launch.mp4", "/the-launch.yaml"):
        status, _ = server.request("GET", path)
        assert status == 404, (path, status)
    status, _ = server.request("GET", "/api/film", token=False)
    assert status == 403
    assert server.film()["build"]["state"] == "idle"


def test_an_audition_picked_in_the_page_plays_its_reel(page, server, tmp_path):
    page.click('.role[data-role="FLIGHT"] button.audition')
    for actor in ("lav", "june"):
        page.check(f'.role[data-role="FLIGHT"] input.audition-actor[value="{actor}"]')
    page.click('.role[data-role="FLIGHT"] button.audition-go')
    page.wait_for_selector("#audition-reel", timeout=240_000)
    page.wait_for_selector("#contact-sheet")
    page.wait_for_function("document.getElementById('contact-sheet').naturalWidth > 0", timeout=10_000)
    page.evaluate("() => { const v = document.getElementById('audition-reel'); v.muted = true; return v.play(); }")
    page.wait_for_function("document.getElementById('audition-reel').currentTime > 0.3", timeout=20_000)
    page.locator("#audition").screenshot(path=str(tmp_path / "audition.png"))
    not_blank(tmp_path / "audition.png")
    assert sorted(server.film()["audition"]["actors"]) == ["june", "lav"]
