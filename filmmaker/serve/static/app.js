// The screening room: one page that watches the film, its shot list and its builds.
// Plain DOM code; every server string goes through textContent (the screenplay is user content).
"use strict";

const TOKEN = document.querySelector('meta[name="filmmaker-token"]')?.getAttribute("content") || "";

const S = {
  film: null,            // the last /api/film answer
  firstVersion: null,    // media URLs get ?v= only once the version moved past the one we opened with
  loaded: null,          // {video, version} now in the player
  reloadWanted: false,   // a build finished: reload the player even if the video id is the same
  fetchSeq: 0,           // only the newest /api/film answer renders
  job: null,             // the job whose progress bars are shown
  runningJob: null,      // the job already announced as "building…" (its events don't clobber a 409 message)
  auditionNote: null,    // the picker's "auditioning…" line, told when the reel is ready
  altNote: null,         // the recast row's "building the alternate cut…" line
  auditionJobs: new Set(),
  buildKey: null,        // last rendered build state, so refreshes don't clobber the status line
  statusActive: false,   // the status line shows "building…"/"queued"
  rolesKey: "",          // the casting panel re-renders only when the roles change
  auditionKey: "",
  playingShot: undefined,
  streamDown: false,
};

// ---------- small helpers ----------

const $ = (id) => document.getElementById(id);

// el("tag", {class, text, data-x, onclick, hidden: true}, ...children); strings become text nodes.
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value == null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = String(value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) if (child != null) node.append(child);
  return node;
}

function mediaUrl(id) {
  const path = "/media/" + String(id).split("/").map(encodeURIComponent).join("/");
  const v = S.film?.version;
  return v != null && v !== S.firstVersion ? `${path}?v=${encodeURIComponent(v)}` : path;
}

const num = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : "—");

function clock(t) {
  const s = Math.max(0, Math.floor(Number(t) || 0));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function setStatus(text, kind = "") {
  const line = $("build-status");
  line.textContent = text;
  line.className = "status" + (kind ? " " + kind : "");
  S.statusActive = kind === "active";
}

async function getJSON(url) {
  const res = await fetch(url, { headers: { Accept: "application/json" } });
  let data = null;
  try { data = await res.json(); } catch { /* not JSON */ }
  if (!res.ok) throw new Error(data?.error || `${res.status} ${res.statusText}`);
  return data || {};
}

// Every POST carries the page's token; a 4xx shows its error in the status line and answers null.
async function post(url, body) {
  let res;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Filmmaker-Token": TOKEN },
      body: JSON.stringify(body ?? {}),
    });
  } catch {
    setStatus("the server is not reachable", "error");
    return null;
  }
  let data = {};
  try { data = (await res.json()) || {}; } catch { /* an empty body */ }
  if (!res.ok) {
    let message = data.error || `${res.status} ${res.statusText}`;
    if (res.status === 409) {
      message = `${data.error || "a build is already running"} — ${data.state === "queued" ? "one is queued, wait" : "wait for it to finish"}`;
    }
    setStatus(message, "error");
    return null;
  }
  return data;
}

// play() rejects when the browser blocks autoplay or a load interrupts it; that is not an error here.
function play(video = $("player")) {
  const promise = video.play();
  if (promise) promise.catch(() => {});
}

function seek(t) {
  const player = $("player");
  if (!S.loaded?.video || !Number.isFinite(t)) return;
  player.currentTime = Math.max(0, t);
  play(player);
  // Bring the screen back when the click came from far down the page.
  if (player.getBoundingClientRect().bottom < 0) player.scrollIntoView({ behavior: "smooth", block: "start" });
}

// ---------- the whole state ----------

async function refresh(opts = {}) {
  if (opts.reload) S.reloadWanted = true;
  const seq = ++S.fetchSeq;
  let film;
  try {
    film = await getJSON("/api/film");
  } catch (err) {
    if (seq === S.fetchSeq) setStatus(`could not load the film: ${err.message}`, "error");
    return;
  }
  if (seq !== S.fetchSeq) return; // a newer refresh is on its way
  render(film);
}

function render(film) {
  if (S.firstVersion === null) S.firstVersion = film.version ?? null;
  S.film = film;
  if (film.title) {
    $("title").textContent = film.title;
    document.title = `${film.title} — screening room`;
  }
  renderProblems(film.problems);
  renderCut(film);
  renderScenes(film);
  renderBuild(film);
  renderShots(film);
  renderCasting(film.roles);
  if (film.audition) showAudition(film.audition);
  renderCredits(film);
  renderDownloads(film.downloads);
}

function renderProblems(problems) {
  const list = Array.isArray(problems) ? problems : [];
  $("problems").hidden = list.length === 0;
  $("problem-list").replaceChildren(...list.map((p) => el("li", {}, el("code", { text: p }))));
}

// ---------- the cut ----------

function isAlternate(cut, main) {
  if (cut.label) return !/^main/i.test(cut.label);
  return Boolean(cut.video && main.video && cut.video !== main.video);
}

function renderCut(film) {
  const cut = film.cut || {};
  const alternate = isAlternate(cut, film.main_cut || {});
  $("cut-label").textContent = cut.label || (alternate ? "alternate cut" : "main cut");
  $("cut-label").classList.toggle("alternate", alternate);
  $("back-to-main").hidden = !alternate;

  const has = Boolean(cut.video);
  $("player").hidden = !has;
  $("placeholder").hidden = has;
  // Nothing to watch yet: the Build button sits in the placeholder, where the eye is.
  const slot = has ? $("build-slot") : $("placeholder-actions");
  if ($("build").parentElement !== slot) slot.append($("build"));

  const videoChanged = (S.loaded?.video ?? null) !== (cut.video ?? null);
  const versionChanged = S.loaded?.version !== film.version;
  if (videoChanged || (S.reloadWanted && versionChanged)) loadPlayer(cut, film.version);
  S.reloadWanted = false;
}

// Swap the player's source and tracks; resume where we were if it was playing, else stay paused at 0.
function loadPlayer(cut, version) {
  const player = $("player");
  const wasPlaying = Boolean(S.loaded?.video) && !player.paused && !player.ended;
  const at = player.currentTime;
  player.querySelectorAll("track").forEach((t) => t.remove());
  S.loaded = { video: cut.video ?? null, version };
  if (!cut.video) {
    if (player.getAttribute("src")) { player.removeAttribute("src"); player.load(); }
    return;
  }
  if (cut.subtitles) {
    player.append(el("track", { kind: "subtitles", srclang: "en", label: "English", default: true, src: mediaUrl(cut.subtitles) }));
  }
  if (cut.chapters) {
    player.append(el("track", { kind: "chapters", srclang: "en", label: "Chapters", src: mediaUrl(cut.chapters) }));
  }
  player.src = mediaUrl(cut.video);
  player.load();
  if (wasPlaying) {
    player.addEventListener("loadedmetadata", () => {
      player.currentTime = Math.min(at, Math.max(0, player.duration - 0.1));
      play(player);
    }, { once: true });
  }
}

function filmLength(film) {
  const shots = film.shots || [];
  const fromShots = Math.max(0, ...shots.map((s) => (Number(s.start) || 0) + (Number(s.seconds) || 0)));
  const duration = $("player").duration;
  return fromShots > 0 ? fromShots : (Number.isFinite(duration) ? duration : 0);
}

// Scene markers: one segment per scene, as wide as the scene is long.
function renderScenes(film) {
  const scenes = (film.scenes || []).filter((s) => Number.isFinite(s?.start));
  const total = filmLength(film);
  const bar = $("scene-bar");
  bar.replaceChildren(...scenes.map((scene, i) => {
    const end = i + 1 < scenes.length ? scenes[i + 1].start : total;
    const marker = el("button", {
      type: "button", class: "scene-marker", "data-scene": scene.id, "data-start": scene.start,
      title: `${scene.heading || scene.id} — ${clock(scene.start)}`,
      "aria-label": `scene ${scene.heading || scene.id} at ${clock(scene.start)}`,
      onclick: () => seek(scene.start + 0.01),
    });
    marker.style.flexGrow = String(Math.max(end - scene.start, 0.1));
    return marker;
  }));
  bar.hidden = scenes.length === 0;
  S.playingShot = undefined;
  markPlaying();
}

// Highlight the tile and scene under the playhead.
function markPlaying() {
  const film = S.film;
  if (!film) return;
  const t = S.loaded?.video ? $("player").currentTime : -1;
  const shot = (film.shots || []).find((s) => t >= s.start && t < s.start + (Number(s.seconds) || 0));
  const id = shot ? shot.id : null;
  if (id === S.playingShot) return;
  S.playingShot = id;
  for (const tile of $("shots").children) tile.classList.toggle("playing", id !== null && tile.dataset.shotId === id);
  let sceneId = null;
  let heading = "";
  for (const scene of film.scenes || []) {
    if (t >= scene.start) { sceneId = scene.id; heading = scene.heading || ""; }
  }
  for (const m of $("scene-bar").children) m.classList.toggle("current", m.dataset.scene === sceneId);
  $("scene-now").textContent = sceneId !== null && S.loaded?.video ? heading : "";
}

// ---------- build ----------

function renderBuild(film) {
  const b = film.build || {};
  const active = b.state === "running" || b.state === "queued";
  const key = `${b.state}|${b.job}|${b.error}`;
  if (active) {
    if (b.job && b.job !== S.job) resetProgress(b.job);
    if (b.kind === "audition" && b.job) S.auditionJobs.add(b.job);
    if (key !== S.buildKey) S.runningJob = b.job ?? null;
    for (const [kind, pair] of Object.entries(b.progress || {})) {
      if (Array.isArray(pair)) setProgress(kind, pair[0], pair[1]);
    }
  }
  // Touch the status line only when the build's state moved, so a POST's error stays readable.
  if (key !== S.buildKey) {
    const first = S.buildKey === null;
    S.buildKey = key;
    if (active) setStatus(b.state === "queued" ? "queued" : (b.kind === "audition" ? "auditioning…" : "building…"), "active");
    else if (b.error) setStatus(b.error, "error");
    else if (first || S.statusActive) setStatus(film.cut?.video ? "built" : "not built yet");
  }

  const warnings = Array.isArray(b.warnings) ? b.warnings : [];
  $("warnings").hidden = warnings.length === 0;
  $("warning-count").textContent = warnings.length ? `(${warnings.length})` : "";
  $("warning-list").replaceChildren(...warnings.map((w) => el("li", { text: w })));

  // The button says what pressing it would do.
  const button = $("build");
  const stale = (film.shots || []).filter((s) => s.state !== "cached").length;
  const hasCut = Boolean((film.main_cut || film.cut)?.video);
  if (!hasCut) { button.textContent = "Build"; button.disabled = false; }
  else if (stale) { button.textContent = `Rebuild ${stale} stale shot${stale === 1 ? "" : "s"}`; button.disabled = false; }
  else { button.textContent = "Up to date"; button.disabled = true; }
}

function resetProgress(job) {
  S.job = job;
  $("progress").replaceChildren();
}

function setProgress(kind, done, total) {
  const box = $("progress");
  let row = [...box.children].find((r) => r.dataset.kind === kind);
  if (!row) {
    row = el("div", { class: "stage", "data-kind": kind },
      el("span", { class: "kind", text: kind }), el("progress", { max: 1, value: 0 }), el("span", { class: "count" }));
    box.append(row);
  }
  const t = Math.max(0, Number(total) || 0);
  const d = Math.min(Math.max(0, Number(done) || 0), t);
  const bar = row.querySelector("progress");
  bar.max = Math.max(t, 1);
  bar.value = t === 0 ? 1 : d; // nothing to do for this kind counts as done
  row.querySelector(".count").textContent = `${d} / ${t}`;
  row.classList.toggle("done", d >= t);
}

function progressDone(row) {
  return Number(row.querySelector("progress")?.value) || 0;
}

async function startBuild(cast) {
  const data = await post("/api/build", cast ? { cast } : {});
  if (!data) return null;
  // Stage events may have beaten this answer here; keep their bars.
  if (data.job && data.job !== S.job) resetProgress(data.job);
  S.runningJob = data.job ?? null;
  setStatus(data.state === "queued" ? "queued" : "building…", "active");
  return data;
}

// ---------- the shot list ----------

function renderShots(film) {
  const y = window.scrollY;
  const shots = Array.isArray(film.shots) ? film.shots : [];
  $("shots").replaceChildren(...shots.map(shotTile));
  const stale = shots.filter((s) => s.state !== "cached").length;
  $("shot-summary").textContent = shots.length
    ? `${shots.length} shot${shots.length === 1 ? "" : "s"} · ${stale ? `${stale} will rebuild` : "all cached"}`
    : "";
  if (!shots.length) $("shots").append(el("p", { class: "muted empty", text: "No shots yet." }));
  S.playingShot = undefined;
  markPlaying();
  window.scrollTo(window.scrollX, y); // a re-render must not move the page
}

function field(label, value, cls) {
  if (value == null || value === "" || (Array.isArray(value) && !value.length)) return null;
  const text = Array.isArray(value) ? value.join(", ") : String(value);
  return el("div", { class: `field ${cls}` }, el("span", { class: "k", text: label }), el("span", { class: "v", text }));
}

// Face-swap scores are distances: a swapped face should sit nearer the actor than the stand-in.
function identityScores(identity) {
  if (!identity || typeof identity !== "object") return [];
  return Object.entries(identity).map(([role, sc]) => {
    const [toActor, toStandIn, found] = Array.isArray(sc) ? sc : [sc?.to_actor, sc?.to_stand_in, sc?.found];
    const flagged = Number.isFinite(toActor) && Number.isFinite(toStandIn) && toActor >= toStandIn;
    const foundText = Number.isFinite(found) ? `; face found in ${Math.round(found * 100)}% of frames` : "";
    return el("span", {
      class: "score" + (flagged ? " flagged" : ""),
      title: `${role}: distance to the actor ${num(toActor)}, to the stand-in ${num(toStandIn)}${foundText}` +
        (flagged ? " — looks more like the stand-in: check this shot" : ""),
      text: `${role} ${num(toActor)} / ${num(toStandIn)}`,
    });
  });
}

function shotTile(s) {
  const seconds = Number(s.seconds);
  const duration = Number.isFinite(seconds) ? `${s.exact === true ? "" : "~"}${seconds.toFixed(1)} s` : "—";
  const cached = s.state === "cached";
  const reasons = Array.isArray(s.reasons) ? s.reasons : [];
  const builds = Array.isArray(s.build) && s.build.length ? `would build: ${s.build.join(", ")}` : null;
  const scores = identityScores(s.identity);
  const thumb = s.thumbnail
    ? el("img", { class: "thumb", src: mediaUrl(s.thumbnail), alt: `shot ${s.id}`, loading: "lazy", decoding: "async" })
    : el("div", { class: "thumb none", text: "no picture yet" });
  const tile = el("article", {
    class: "shot", "data-shot-id": s.id, tabindex: 0,
    title: Number.isFinite(s.start) ? `play from ${clock(s.start)}` : null,
  },
  thumb,
  el("div", { class: "body" },
    el("div", { class: "line1" }, el("span", { class: "shot-id", text: s.id }), el("span", { class: "duration", text: duration })),
    el("div", { class: "heading", text: s.heading || "" }),
    field("speakers", s.speakers, "speakers"),
    field("picture", s.picture, "picture"),
    field("camera", s.camera, "camera"),
    field(Array.isArray(s.cues) && s.cues.length > 1 ? "cues" : "cue", s.cues, "cues"),
    scores.length ? el("div", { class: "identity" }, el("span", { class: "k", text: "face" }), el("span", { class: "scores" }, scores)) : null,
    el("span", { class: `state ${cached ? "cached" : "stale"}`, title: builds, text: cached ? "cached" : "will rebuild: " + reasons.join(", ") })));
  const go = () => { if (Number.isFinite(s.start)) seek(s.start + 0.01); };
  tile.addEventListener("click", go);
  tile.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); go(); }
  });
  return tile;
}

// ---------- credits, cue sheet, downloads ----------

function cell(value) {
  if (value == null) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function renderCredits(film) {
  $("credits").textContent = film.credits || "No credits yet: they are written when the film is built.";
  const rows = (Array.isArray(film.cue_sheet) ? film.cue_sheet : []).filter((r) => r && typeof r === "object");
  const columns = [];
  for (const row of rows) for (const k of Object.keys(row)) if (!columns.includes(k)) columns.push(k);
  const table = $("cue-sheet");
  table.hidden = rows.length === 0;
  table.replaceChildren(...(rows.length ? [
    el("thead", {}, el("tr", {}, columns.map((c) => el("th", { text: c })))),
    el("tbody", {}, rows.map((row) => el("tr", {}, columns.map((c) => el("td", { text: cell(row[c]) }))))),
  ] : []));
}

function renderDownloads(downloads) {
  const list = (Array.isArray(downloads) ? downloads : []).filter((d) => d && d.id);
  $("downloads").replaceChildren(...(list.length
    ? list.map((d) => el("li", {}, el("a", { download: d.name || true, href: mediaUrl(d.id), title: d.name || null, text: d.label || d.name || d.id })))
    : [el("li", { class: "muted", text: "Nothing to download yet." })]));
}

// ---------- live events ----------

function connect() {
  const source = new EventSource("/api/events");
  const live = $("live");
  const on = (type, handler) => source.addEventListener(type, (ev) => {
    let data;
    try { data = JSON.parse(ev.data); } catch { return; }
    handler(data || {});
  });
  source.addEventListener("open", () => {
    live.classList.remove("down");
    live.title = "live updates: connected";
    if (S.streamDown) refresh(); // we may have missed events while away
    S.streamDown = false;
  });
  source.addEventListener("error", () => {
    live.classList.add("down");
    live.title = "live updates: reconnecting…";
    S.streamDown = true;
    // The browser retries by itself unless the stream is closed for good; then we retry.
    if (source.readyState === EventSource.CLOSED) setTimeout(connect, 5000);
  });

  on("plan", () => refresh());
  on("stage", (d) => {
    if (d.job && d.job !== S.job) resetProgress(d.job);
    const row = [...$("progress").children].find((r) => r.dataset.kind === d.kind);
    setProgress(d.kind, row ? progressDone(row) : 0, d.total);
  });
  on("progress", (d) => {
    if (d.job && d.job !== S.job) resetProgress(d.job);
    setProgress(d.kind, d.done, d.total);
  });
  on("build", (d) => {
    const audition = S.auditionJobs.has(d.job);
    if (d.state === "running") {
      if (d.job && d.job !== S.job) resetProgress(d.job);
      if (d.job !== S.runningJob) setStatus(audition ? "auditioning…" : "building…", "active");
      S.runningJob = d.job ?? null;
    } else if (d.state === "queued") {
      setStatus("queued", "active");
    } else if (d.state === "done") {
      setStatus(audition ? "audition ready" : "built", "ok");
      if (!audition && S.altNote) { S.altNote.textContent = "built: now showing"; S.altNote = null; }
      refresh({ reload: !audition }); // an audition leaves the film alone
    } else if (d.state === "failed") {
      setStatus(d.error || "the build failed", "error"); // the previous cut stays in the player
      if (S.altNote) { S.altNote.textContent = "the build failed"; S.altNote = null; }
      refresh();
    }
  });
  on("audition", (d) => {
    if (d.state === "done") {
      showAudition(d);
      if (S.auditionNote) S.auditionNote.textContent = "ready: the reel is below";
    } else if (d.error) setStatus(d.error, "error");
  });
}

// ---------- wiring ----------

function init() {
  const player = $("player");
  player.addEventListener("timeupdate", markPlaying);
  player.addEventListener("seeked", markPlaying);
  player.addEventListener("loadedmetadata", () => { if (S.film) renderScenes(S.film); });
  $("build").addEventListener("click", () => startBuild(null));
  $("back-to-main").addEventListener("click", async () => {
    if (await post("/api/cut", { which: "main" })) refresh();
  });
  refresh();
  connect();
}

init();
