"""Lyrics drafted by a causal language model, on a tiny random GPT-2 saved to a folder by the test:
the same loading and sampling code a real checkpoint goes through; and the draft file beside the
screenplay, which the writer may edit and filmmaker must then leave alone."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from filmmaker.backends.music import lyrics
from filmmaker.backends.music.lyrics import (
    clean_lyrics,
    draft_header,
    draft_lyrics,
    locate_lyrics_model,
    lyrics_prompt,
    read_lyrics,
    token_budget,
    write_draft,
)
from filmmaker.errors import RenderError, ResolveError

TESTS = Path(__file__).resolve().parent.parent
HEADINGS = ["EXT. LAUNCH PAD - DAWN", "INT. MISSION CONTROL - DAY", "EXT. LAUNCH PAD - DAWN"]
DESCRIPTIONS = ["The rocket stands on the pad, steam curling around it.",
                "Rows of screens glow in mission control."]
JUNK = ("http", "www", "!!!!", "----", "####", "$$$", "....")  # numbers may be sung; these not


@pytest.fixture(scope="module")
def tiny_gpt2(tmp_path_factory) -> Path:
    from lyrics_model import build_tiny_gpt2  # tests/lyrics_model.py (tests/ is on sys.path, as for conftest)

    return build_tiny_gpt2(tmp_path_factory.mktemp("lyrics") / "tiny-gpt2")


@pytest.fixture(scope="module")
def prompt() -> str:
    return lyrics_prompt("Lift Off", HEADINGS, DESCRIPTIONS, "hopeful folk, acoustic guitar")


def test_the_prompt_is_a_short_song_sheet_ending_where_the_verse_begins(prompt):
    assert prompt == lyrics_prompt("Lift Off", HEADINGS, DESCRIPTIONS, "hopeful folk, acoustic guitar")
    assert prompt.startswith("Song: Lift Off\nStyle: hopeful folk, acoustic guitar\n")
    assert "Scenes: EXT. LAUNCH PAD - DAWN; INT. MISSION CONTROL - DAY\n" in prompt  # each heading once
    assert all(f"- {d}\n" in prompt for d in DESCRIPTIONS)
    assert prompt.endswith("\nLyrics:\n")

    long = "A rocket stands on the pad while " + "the crew checks every line once more and " * 20
    many = [f"Shot {n}: {long}" for n in range(30)] + ["The last shot: the rocket clears the tower."]
    sheet = lyrics_prompt("Lift\nOff", [f"SCENE {n}" for n in range(10)], many, "")
    assert "Style:" not in sheet and "Song: Lift Off\n" in sheet
    shots = [line for line in sheet.splitlines() if line.startswith("- ")]
    # each shot line is "- " and its description
    assert len(shots) == lyrics.MAX_DESCRIPTIONS and all(len(s) <= lyrics.MAX_DESCRIPTION_CHARS + 2 for s in shots)
    assert shots[0].startswith("- Shot 0: A rocket") and shots[0].endswith("...")  # cut at a word, marked
    assert shots[-1] == "- The last shot: the rocket clears the tower."  # spread over the whole cue
    assert "SCENE 0" in sheet and "SCENE 9" in sheet and "SCENE 5" not in sheet
    assert len(sheet) < 1200


def test_the_same_seed_drafts_the_same_lyrics_after_a_fresh_load(tiny_gpt2, prompt):
    import torch

    first = draft_lyrics(tiny_gpt2, prompt, seed=7)
    lyrics._load.cache_clear()  # a fresh load of the checkpoint, and another global random state
    torch.manual_seed(12345)
    torch.rand(100)
    state = torch.get_rng_state()
    assert draft_lyrics(tiny_gpt2, prompt, seed=7) == first
    assert torch.equal(torch.get_rng_state(), state), "drafting moved the caller's random state"
    assert draft_lyrics(tiny_gpt2, prompt, seed=8) != first
    assert len({draft_lyrics(tiny_gpt2, prompt, seed=s) for s in range(9, 13)}) == 4


def test_another_process_drafts_the_same_lyrics(tiny_gpt2, prompt):
    script = ("import sys; from pathlib import Path; from filmmaker.backends.music.lyrics import draft_lyrics; "
              "sys.stdout.write(draft_lyrics(Path(sys.argv[1]), sys.stdin.read(), seed=7))")
    done = subprocess.run([sys.executable, "-c", script, str(tiny_gpt2)], input=prompt, capture_output=True,
                          text=True, timeout=120, cwd=TESTS.parent, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout == draft_lyrics(tiny_gpt2, prompt, seed=7)


def test_drafts_are_cleaned_into_singable_lines(tiny_gpt2, prompt):
    prompt_lines = {line.strip().lower() for line in prompt.splitlines()}
    for seed in range(6):
        text = draft_lyrics(tiny_gpt2, prompt, seed=seed, lines=3)
        assert "Lyrics" not in text and "Song:" not in text  # the prompt is not echoed
        lines = text.split("\n")
        assert 1 <= len(lines) <= 3
        for line in lines:
            assert line == line.strip() and line[0].isupper() and len(line) <= lyrics.MAX_LINE_CHARS
            assert any(c.isalpha() for c in line) and not any(junk in line for junk in JUNK), line
            assert line.lower() not in prompt_lines
    longer = draft_lyrics(tiny_gpt2, prompt, seed=0, lines=40, max_new_tokens=120)
    assert len(longer.split("\n")) > 3  # the cap is the caller's, not a fixed one


def test_clean_lyrics_drops_echoes_tags_and_garbage():
    prompt = lyrics_prompt("Lift Off", HEADINGS, DESCRIPTIONS, "folk")
    raw = ("\n\nLyrics:\n[Verse 1]\n- the rocket stands ,\nThe rocket stands on the pad, steam curling around it.\n"
           "see http://example.com/song now $$$\n!!!! ----\n1999 2000 $$$\n# hold on\nhold on\nHold on\n"
           "Chorus:\nStyle: folk\n" + "we rise over the silver sea " * 4 + "\n")
    cleaned = clean_lyrics(raw, prompt, 8)
    assert cleaned[:3] == ["The rocket stands", "See now", "Hold on"]
    wrapped = cleaned[3:]  # a 111-character line, wrapped at words into breaths of at most 60
    assert len(wrapped) == 2 and all(len(line) <= 60 for line in wrapped)
    assert " ".join(wrapped).lower() == ("we rise over the silver sea " * 4).strip()
    assert clean_lyrics(raw, prompt, 2) == ["The rocket stands", "See now"]
    assert clean_lyrics("\n!!!!\n1999\nhttp://x.com\n[Chorus]\n", prompt, 8) == []


def test_a_model_that_writes_nothing_singable_is_a_render_error(tmp_path, prompt):
    from lyrics_model import build_tiny_gpt2

    junk_only = build_tiny_gpt2(tmp_path / "junk", words=[])  # line breaks, commas, URLs and "!!!!" only
    with pytest.raises(RenderError, match=r"wrote nothing singable for seed 3 .*try another seed"):
        draft_lyrics(junk_only, prompt, seed=3)
    lyrics._load.cache_clear()


def test_a_prompt_longer_than_the_context_is_cut_from_the_left(tiny_gpt2, prompt):
    assert token_budget(50, 128, 160) == (50, 78)  # the asked-for tokens shrink first
    assert token_budget(300, 128, 160) == (64, 64)  # then the prompt loses its start
    assert token_budget(300, 128, 20) == (108, 20)
    assert token_budget(10, 128, 20) == (10, 20)
    long_prompt = lyrics_prompt("Lift Off", HEADINGS, ["the sky " * 400], "folk") + "the night\n" * 300
    text = draft_lyrics(tiny_gpt2, long_prompt, seed=1, max_new_tokens=10_000)  # 128 positions: no crash
    assert text and all(line.strip() for line in text.split("\n"))
    # only the prompt's end reaches the model: what precedes the last 64 tokens changes nothing
    assert draft_lyrics(tiny_gpt2, "rocket fire " * 100 + long_prompt, seed=1, max_new_tokens=10_000) == text


def test_write_draft_never_overwrites_an_edited_file(tmp_path):
    path = tmp_path / "lift-off.lyrics.txt"
    header = draft_header("openai-community/gpt2", 7)
    assert write_draft(path, "Rockets rise\nOver the silver sea\n", header) is True
    first_line, _, body = path.read_text().partition("\n")
    assert first_line.startswith("# drafted by filmmaker from openai-community/gpt2 seed 7; edit freely")
    assert "[sha256 " in first_line and body == "Rockets rise\nOver the silver sea\n"
    assert read_lyrics(path) == "Rockets rise\nOver the silver sea"
    before = path.stat().st_mtime_ns

    assert write_draft(path, "Rockets rise\nOver the silver sea", header) is False  # the same draft
    assert path.stat().st_mtime_ns == before
    assert write_draft(path, "Morning light\nOn the launch pad", draft_header("gpt2", 8)) is True  # unedited: new
    assert read_lyrics(path) == "Morning light\nOn the launch pad" and "seed 8" in path.read_text()

    path.write_text(path.read_text().replace("Morning light", "Morning LIGHT"))  # the writer edits a word
    edited = path.read_text()
    assert write_draft(path, "Something else", header) is False and path.read_text() == edited
    assert write_draft(path, "Morning light\nOn the launch pad", header) is False and path.read_text() == edited

    path.write_text("My own words\n")  # no header at all: the writer's file
    assert write_draft(path, "Drafted words", header) is False and path.read_text() == "My own words\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no temporary files left


def test_write_draft_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "song.lyrics.txt"
    write_draft(path, "Old draft", "drafted")

    def crash(src, dst):
        raise OSError("disk full")

    import filmmaker.cache

    monkeypatch.setattr(filmmaker.cache.os, "replace", crash)  # the rename that publishes the new draft
    with pytest.raises(OSError, match="disk full"):
        write_draft(path, "New draft", "drafted")
    assert read_lyrics(path) == "Old draft"  # the old file whole, not half of the new one
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # the temporary file removed


def test_read_lyrics_drops_comment_lines(tmp_path):
    path = tmp_path / "song.lyrics.txt"
    path.write_text("# drafted by filmmaker\n# [sha256 abc]\n\nFirst line  \n  # chorus twice\nSecond line\n\n")
    assert read_lyrics(path) == "First line\nSecond line"
    with pytest.raises(ResolveError, match="lyrics file not found"):
        read_lyrics(tmp_path / "missing.txt")


def _config(folder: Path, config: dict, *extra: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps(config))
    for name in extra:
        (folder / name).write_text("{}")
    return folder


def test_locate_accepts_a_causal_lm_folder_and_explains_every_other(tiny_gpt2, tmp_path):
    assert locate_lyrics_model(str(tiny_gpt2)) == tiny_gpt2
    fix = r"huggingface-cli download openai-community/gpt2 --local-dir"
    with pytest.raises(ResolveError, match=rf"lyrics model folder not found: .*nowhere.*{fix}"):
        locate_lyrics_model(str(tmp_path / "nowhere"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ResolveError, match=rf"not a language model folder \(no config.json\).*{fix}"):
        locate_lyrics_model(str(tmp_path / "empty"))
    pipeline = _config(tmp_path / "sd", {"_class_name": "UNet2DConditionModel"}, "model_index.json")
    with pytest.raises(ResolveError, match=rf"is a diffusers pipeline .*not a causal language model.*{fix}"):
        locate_lyrics_model(str(pipeline))
    unet = _config(tmp_path / "unet", {"_class_name": "UNet2DConditionModel", "sample_size": 32})
    with pytest.raises(ResolveError, match=rf"not a transformers model .*UNet2DConditionModel.*{fix}"):
        locate_lyrics_model(str(unet))
    t5 = _config(tmp_path / "t5", {"model_type": "t5", "architectures": ["T5ForConditionalGeneration"]},
                 "tokenizer.json")
    with pytest.raises(ResolveError, match=rf"is a 't5' model \(T5ForConditionalGeneration\), not a causal .*{fix}"):
        locate_lyrics_model(str(t5))
    for kind, architecture in (("gpt2", "GPT2Model"), ("musicgen", "MusicgenForConditionalGeneration")):
        weights = _config(tmp_path / architecture, {"model_type": kind, "architectures": [architecture]},
                          "tokenizer.json")  # a causal model type, but weights without a language-model head
        with pytest.raises(ResolveError, match=rf"is a '{kind}' model \({architecture}\), not a causal"):
            locate_lyrics_model(str(weights))
    remote = _config(tmp_path / "remote", {"model_type": "mystery", "auto_map": {"AutoModelForCausalLM": "m.M"}})
    with pytest.raises(ResolveError, match=r"needs its own Python code \(trust_remote_code\)"):
        locate_lyrics_model(str(remote))
    bare = _config(tmp_path / "bare", {"model_type": "gpt2"})
    with pytest.raises(ResolveError, match=rf"no tokenizer .*{fix}"):
        locate_lyrics_model(str(bare))


def test_locate_finds_an_id_in_the_local_cache_only(tiny_gpt2, tmp_path, monkeypatch):
    import shutil

    from huggingface_hub import constants

    cache = tmp_path / "hub"
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    commit = "0" * 40
    repo = cache / "models--someone--tiny-gpt2"
    shutil.copytree(tiny_gpt2, repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    assert locate_lyrics_model("someone/tiny-gpt2") == repo / "snapshots" / commit
    with pytest.raises(ResolveError, match=r"'someone/absent' is not in the local Hugging Face cache.*"
                                           r"huggingface-cli download someone/absent"):
        locate_lyrics_model("someone/absent")
    t5 = _config(cache / "models--someone--t5" / "snapshots" / commit, {"model_type": "t5"}, "tokenizer.json")
    (t5.parent.parent / "refs").mkdir()
    (t5.parent.parent / "refs" / "main").write_text(commit)
    with pytest.raises(ResolveError, match="is a 't5' model"):
        locate_lyrics_model("someone/t5")
