"""The build as a graph: the example's nodes, keys that any process computes alike, no cycle, and
a recast that re-keys exactly what the recast role reaches."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from filmmaker.build import prepare
from filmmaker.plan import plan_film
from filmmaker.screenplay import load_screenplay

ROOT = Path(__file__).resolve().parents[2]


def graph_of(screenplay: Path, **options):
    plan = plan_film(load_screenplay(screenplay), preview=True, **options)
    _, film = prepare(plan, screenplay.parent / "out")
    return film


def test_the_example_has_a_node_per_artifact(example):
    film = graph_of(example)
    counts = film.graph.counts()
    assert counts["line"] == 8  # one per line of dialogue
    assert counts["picture"] == 7  # 9 shots, 2 of them footage (read as the segment is encoded)
    assert counts["segment"] == 9 + 3  # a body per shot, a dissolve per crossfade
    assert counts["media"] == 6  # the shots either side of a dissolve need handles
    assert counts["cue"] == 2 and counts["premix"] == 2  # two cues; two scenes, each one mix piece
    for kind in ("timing", "loudness", "mix", "mixaudio", "cut", "timeline"):
        assert counts[kind] == 1, kind
    assert counts["stem"] == 2 and "image" not in counts and "motion" not in counts
    assert {n.name for n in film.graph.of_kind("export")} == {"edl", "otio", "fcp7xml", "srt", "vtt"}


def test_every_node_comes_after_its_inputs_and_there_is_no_cycle(example):
    graph = graph_of(example).graph
    seen: set[str] = set()
    for node in graph:
        assert set(node.deps) <= seen, f"{node.id} comes before its inputs"
        seen.add(node.id)
    state: dict[str, int] = {}

    def visit(node_id: str) -> None:  # a depth-first walk finds any back edge
        state[node_id] = 1
        for dep in graph[node_id].deps:
            assert state.get(dep) != 1, f"cycle through {dep}"
            if dep not in state:
                visit(dep)
        state[node_id] = 2

    for node in graph:
        if node.id not in state:
            visit(node.id)


def test_keys_are_the_same_from_a_fresh_process(example):
    here = {n.id: n.key for n in graph_of(example).graph}
    printed = subprocess.run([sys.executable, "-m", "filmmaker", "plan", str(example), "--preview", "--graph",
                              "json"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert printed.returncode == 0, printed.stderr
    there = {n["id"]: n["key"] for n in json.loads(printed.stdout)["nodes"]}
    assert set(there) <= set(here)  # the plan lays out no outputs, only artifacts
    assert {node_id: here[node_id] for node_id in there} == there
    assert len(there) > 40


def test_the_graph_prints_as_graphviz(example):
    printed = subprocess.run([sys.executable, "-m", "filmmaker", "plan", str(example), "--graph", "dot"],
                             capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.startswith("digraph film {") and '"line:1.0" -> "timing:film";' in printed.stdout
    bad = subprocess.run([sys.executable, "-m", "filmmaker", "plan", str(example), "--graph", "svg"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert bad.returncode == 2 and "choose json or dot" in bad.stderr


def test_a_recast_rekeys_exactly_the_roles_nodes_and_what_they_reach(example):
    before = graph_of(example).graph
    after = graph_of(example, cast={"FLIGHT": "june"}).graph
    assert set(before.nodes) == set(after.nodes)
    changed = {node_id for node_id in before.nodes if before[node_id].key != after[node_id].key}
    plan = plan_film(load_screenplay(example))
    flight_lines = {f"line:{pl.id}" for ps in plan.shots for pl in ps.lines if pl.line.speaker == "FLIGHT"}
    flight_shots = {ps.id for ps in plan.shots if any(pl.line.speaker == "FLIGHT" for pl in ps.lines)}
    assert flight_lines <= changed
    reached = _downstream(before, flight_lines)
    assert changed <= reached, f"re-keyed without depending on FLIGHT: {sorted(changed - reached)}"
    # what FLIGHT's voice cannot change keeps its key: every picture, and the other shots' bodies
    assert not any(node_id.startswith(("picture:", "line:")) and node_id not in flight_lines for node_id in changed)
    bodies = {n.name for n in before.of_kind("segment") if f"segment:{n.name}" in changed and ">" not in n.name}
    assert bodies == flight_shots


def _downstream(graph, start: set[str]) -> set[str]:
    dependants = graph.dependants()
    out, stack = set(start), list(start)
    while stack:
        for nxt in dependants[stack.pop()]:
            if nxt not in out:
                out.add(nxt)
                stack.append(nxt)
    return out


@pytest.mark.parametrize("preview", [True, False])
def test_a_second_layout_of_the_same_screenplay_is_identical(example, preview):
    plan = plan_film(load_screenplay(example), preview=preview)
    first = prepare(plan, example.parent / "out")[1].graph.to_json()
    second = prepare(plan, example.parent / "out")[1].graph.to_json()
    assert first == second


TWINS = """
title: Twins
format: {width: 160, height: 90, fps: 24}
scenes:
  - heading: INT. ROOM - DAY
    shots:
      - {id: a, picture: {card: END}, duration: 1}
      - {id: b, picture: {card: MIDDLE}, duration: 1}
      - {id: c, picture: {card: END}, duration: 1}
      - {id: d, picture: {card: FIN}, duration: 1}
"""


def test_identical_shots_share_one_segment_and_the_cut_still_has_both(tmp_path):
    from filmmaker.build import build_film

    path = tmp_path / "twins.yaml"
    path.write_text(TWINS)
    film = graph_of(path)
    assert film.graph.get("segment", "c") is None  # the same bytes as a's: one node makes them
    assert film.graph.get("cut", "cut").args["segments"]["c"] == film.graph.get("segment", "a").key
    report = build_film(plan_film(load_screenplay(path), preview=True), path.parent / "out")
    assert report.frames == 4 * 24 and report.built["segment"] == ["a", "b", "d"]
