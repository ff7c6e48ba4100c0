// The screening room's casting panel: a recast's plan, its alternate cut, "make this the cast",
// and auditions. Loaded before app.js, whose helpers (el, post, S, ...) it calls once the page runs.

// ---------- casting and auditions ----------

function renderCasting(roles) {
  const list = Array.isArray(roles) ? roles : [];
  const key = JSON.stringify(list.map((r) => [r.role, r.actor, r.actors, (r.shots || []).length]));
  if (key === S.rolesKey) return; // keep a half-made choice intact across refreshes
  S.rolesKey = key;
  $("casting").replaceChildren(...(list.length ? list.map(roleRow) : [el("p", { class: "muted", text: "No cast roles in this screenplay." })]));
}

function roleRow(r) {
  const others = (r.actors || []).filter((a) => a !== r.actor);
  const select = el("select", { class: "recast", "data-role": r.role, "aria-label": `recast ${r.role}` },
    el("option", { value: "", text: "—" }), others.map((a) => el("option", { value: a, text: a })));
  const plan = el("div", { class: "plan", hidden: true });
  const picker = el("div", { class: "audition-picker", hidden: true });
  const shots = (r.shots || []).length;
  const row = el("div", { class: "role", "data-role": r.role },
    el("div", { class: "role-head" },
      el("span", { class: "role-name", text: r.role }),
      el("span", { class: "actor", text: r.actor || "—" }),
      el("span", { class: "muted small", text: `${shots} shot${shots === 1 ? "" : "s"}` }),
      el("label", { class: "recast-label" }, el("span", { class: "k", text: "recast as" }), select),
      el("button", { type: "button", class: "audition quiet", text: "Audition", onclick: () => togglePicker(r, picker) })),
    plan, picker);
  select.addEventListener("change", () => showPlan(r, select.value, plan));
  return row;
}

async function showPlan(r, actor, box) {
  const seq = (box.seq = (box.seq || 0) + 1); // a later choice wins over a slow answer
  box.hidden = !actor;
  box.replaceChildren();
  if (!actor) return;
  box.append(el("span", { class: "muted", text: "planning…" }));
  let plan;
  try {
    plan = await getJSON(`/api/plan?cast=${encodeURIComponent(r.role)}=${encodeURIComponent(actor)}`);
  } catch (err) {
    if (seq === box.seq) box.replaceChildren(el("span", { class: "error", text: `could not plan: ${err.message}` }));
    return;
  }
  if (seq !== box.seq) return;
  const ids = Array.isArray(plan.shots) ? plan.shots : [];
  const secs = Number(plan.estimate_seconds);
  const summary = `${ids.length} shot${ids.length === 1 ? "" : "s"} to rebuild` +
    (ids.length ? ` (${ids.join(", ")})` : "") + `, about ${Number.isFinite(secs) ? secs.toFixed(1) : "?"} s`;
  const note = el("span", { class: "note" });
  const yes = el("button", { type: "button", class: "confirm-yes primary", text: "Yes" });
  const no = el("button", { type: "button", class: "confirm-no quiet", text: "No" });
  const confirm = el("span", { class: "confirm", hidden: true }, el("span", { text: `Sure? ${r.role} becomes ${actor} in the screenplay.` }), yes, no);
  const makeCast = el("button", { type: "button", class: "make-cast quiet", text: "Make this the cast" });
  const buildAlt = el("button", { type: "button", class: "build-alternate primary", text: "Build alternate cut" });

  buildAlt.addEventListener("click", async () => {
    const data = await startBuild({ [r.role]: actor });
    // The player follows: when this job is done, /api/film's cut names the alternate.
    if (data) note.textContent = data.state === "queued" ? "queued" : "building the alternate cut…";
    S.altNote = data ? note : null;
  });
  // An in-page confirm (not window.confirm) so that a browser automation can answer it.
  makeCast.addEventListener("click", () => { confirm.hidden = false; makeCast.hidden = true; });
  no.addEventListener("click", () => { confirm.hidden = true; makeCast.hidden = false; });
  yes.addEventListener("click", async () => {
    yes.disabled = true;
    const data = await post("/api/cast", { role: r.role, actor });
    yes.disabled = false;
    confirm.hidden = true;
    makeCast.hidden = false;
    if (!data) return;
    note.textContent = `${r.role} is now ${actor}`;
    setStatus(`cast changed: ${r.role} is now ${actor}`);
    refresh();
  });

  const extra = [plan.lines != null ? `${plan.lines} line${plan.lines === 1 ? "" : "s"}` : null,
    plan.segments != null ? `${plan.segments} segment${plan.segments === 1 ? "" : "s"}` : null].filter(Boolean).join(", ");
  box.replaceChildren(
    el("div", { class: "plan-summary" }, el("span", { class: "summary", text: summary }), extra ? el("span", { class: "muted small", text: ` · ${extra}` }) : null),
    el("div", { class: "actions" }, buildAlt, makeCast, confirm, note));
}

function togglePicker(r, box) {
  if (!box.hidden) { box.hidden = true; return; }
  const actors = r.actors || [];
  const message = el("span", { class: "muted small", text: "pick 2 to 4 actors" });
  const go = el("button", { type: "button", class: "audition-go primary", text: "Audition them", disabled: actors.length < 2 });
  const picks = actors.map((a) => el("label", { class: "pick" },
    el("input", { type: "checkbox", class: "audition-actor", value: a }), el("span", { text: a })));
  go.addEventListener("click", async () => {
    const chosen = [...box.querySelectorAll("input.audition-actor:checked")].map((i) => i.value);
    if (chosen.length < 2 || chosen.length > 4) {
      message.textContent = "pick 2 to 4 actors";
      message.className = "error small";
      return;
    }
    const data = await post("/api/audition", { role: r.role, actors: chosen });
    if (!data) return;
    if (data.job) S.auditionJobs.add(data.job);
    S.runningJob = data.job ?? null;
    S.auditionNote = message;
    message.className = "muted small";
    message.textContent = data.state === "queued" ? "queued" : "auditioning…";
    setStatus(data.state === "queued" ? "queued" : "auditioning…", "active");
  });
  box.replaceChildren(el("div", { class: "picks" }, picks), el("div", { class: "actions" }, go, message));
  box.hidden = false;
}

// The reel and contact sheet; replaced only when they change, so a playing reel is not restarted.
function showAudition(a) {
  if (!a || !a.reel) return;
  const box = $("audition");
  const title = a.role ? `Audition: ${a.role}${Array.isArray(a.actors) ? " — " + a.actors.join(", ") : ""}` : "Audition";
  let heading = box.querySelector("h3");
  if (!heading) heading = el("h3", { class: "label" });
  if (a.role || !heading.textContent) heading.textContent = title;
  const key = `${a.reel}|${a.contact_sheet || ""}`;
  if (key !== S.auditionKey) {
    S.auditionKey = key;
    box.replaceChildren(heading, el("div", { class: "audition-media" },
      el("video", { id: "audition-reel", controls: true, preload: "metadata", src: mediaUrl(a.reel) }),
      a.contact_sheet ? el("img", { id: "contact-sheet", src: mediaUrl(a.contact_sheet), alt: "contact sheet" }) : null));
  }
  box.hidden = false;
}
