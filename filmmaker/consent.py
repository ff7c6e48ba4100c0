"""Whether the cut may use the real people in it: every face swapped in and every voice cloned
from a sample, checked against the actor's consent record for what the build is for, before any
work. `consent.lock` beside the screenplay records each release's SHA-256 when first seen, so a
release that changes afterwards is refused (and every change to what was agreed shows in review).

Stock voices (piper, espeak, Kokoro, Coqui's built-in speakers) are nobody's: they need no record.
An actor who says nothing about who they are (`person` unset, no `consent`) is allowed in
internal and audition builds with a warning, and refused in a release build.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from filmmaker.cache import atomic_write_bytes, file_sha256
from filmmaker.errors import Problem, ScreenplayError
from filmmaker.people import uses_of

PURPOSES = ("internal", "release", "audition")
LOCK = "consent.lock"


def check_consent(plan, purpose: str, today: dt.date | None = None) -> list[str]:
    """Raise ScreenplayError naming each actor, field and fix the cut may not use for `purpose`;
    else record the releases in consent.lock and return warnings."""
    today = today or dt.date.today()
    sp = plan.screenplay
    lock_path = sp.path.with_name(LOCK)
    lock = _read_lock(lock_path)
    problems: list[Problem] = []
    warnings: list[str] = []
    recorded: dict[str, dict] = {}
    for use in uses_of(plan):
        actor = sp.actors[use.actor]
        field = f"actors.{actor.id}"

        def fail(key: str, message: str) -> None:
            where = actor.consent.pos.get(key) if actor.consent and key.startswith("consent.") else None
            line, col = where or actor.pos.get(key.split(".")[0], actor.pos.get("", (1, 1)))
            problems.append(Problem(sp.path, line, col, f"{field}.{key}", message))

        if actor.person in ("fictional", "public-domain"):
            continue
        if actor.person is None and actor.consent is None:
            message = (f"actor {actor.id!r}'s {use.what} is used (shot {use.shot!r}) but the screenplay does not say "
                       "who this is: add `person: real` with a `consent:` record, or `person: fictional` / "
                       "`person: public-domain`")
            if purpose == "release":
                fail("person", message + "; a release build needs it")
            else:
                warnings.append(message)
            continue
        consent = actor.consent
        if consent is None:
            fail("consent", f"{actor.id!r} is a real person whose {use.what} the cut uses (shot {use.shot!r}) and has "
                            "no consent record: add `consent: {release: FILE, covers: [face, voice], uses: "
                            "[internal], expires: YYYY-MM-DD}`")
            continue
        key = ("consent.expires", "consent.covers", "consent.uses", "consent.release")
        if consent.expires is not None and consent.expires < today:
            fail(key[0], f"{actor.id!r}'s consent expired on {consent.expires.isoformat()}: get the release renewed "
                         "and update `expires`, or recast the role")
        if use.what not in consent.covers:
            fail(key[1], f"{actor.id!r}'s consent covers {', '.join(consent.covers) or 'nothing'}, not their "
                         f"{use.what}, which shot {use.shot!r} uses: get a release that covers it and add "
                         f"`{use.what}` to `covers`, or recast the role")
        if purpose not in consent.uses:
            fail(key[2], f"{actor.id!r} agreed to {', '.join(consent.uses) or 'no use'}, not to a {purpose} build: "
                         f"build with --for {consent.uses[0] if consent.uses else 'internal'}, or get a release for "
                         f"`{purpose}` and add it to `uses`")
        if consent.release is not None:
            digest = file_sha256(consent.release)
            before = lock.get(actor.id, {}).get("sha256")
            if before is not None and before != digest:
                fail(key[3], f"{consent.release.name} changed since {LOCK} recorded it (sha256 {before[:12]}..., now "
                             f"{digest[:12]}...): if the new release is the right one, review it and remove "
                             f"{actor.id!r} from {LOCK} to record it again")
            recorded[actor.id] = {"release": consent.release.name, "sha256": before or digest,
                                  "covers": list(consent.covers), "uses": list(consent.uses),
                                  "expires": consent.expires.isoformat() if consent.expires else None}
    if purpose == "release" and sp.disclosure == "none":
        from filmmaker.disclosure import disclosure_text

        if disclosure_text(plan) is not None:
            line, col = sp.disclosure_pos
            problems.append(Problem(sp.path, line, col, "disclosure.card", "a release build that shows real people "
                                    "made with AI must say so: use `card: end` (or open, both); `none` is for "
                                    "internal and audition builds"))
    if purpose == "release":
        from filmmaker.credits import licence_problems

        problems += licence_problems(plan)
    if problems:
        raise ScreenplayError(problems)
    merged = {**lock, **recorded}
    if recorded and merged != lock:
        atomic_write_bytes(lock_path, (json.dumps(merged, indent=2, sort_keys=True) + "\n").encode())
    return warnings


def _read_lock(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ScreenplayError([Problem(path, 1, 1, "", f"cannot read {LOCK} ({exc}); restore it from version "
                                                        "control, or delete it to record every release again")])
    return data if isinstance(data, dict) else {}
