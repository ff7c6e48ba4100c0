"""Songs: seconds of generation per second of song for each engine, and the overhead of
filmmaker's engine (windows, resumable steps, joins) against the model called directly with the
same settings, side by side in one run.

    python benchmarks/songs.py [--seconds 20] [--runs 3]

No real weights are available offline, so both engines run on the tiny random models the tests
build (tests/acestep_model.py, tests/jukebox_model.py): the work per second of song is the tiny
model's, not the real one's, but the overhead ratio (target <= 1.05) is what the wrapper adds to
whatever model it drives. At the end it prints how a GPU user should expect the real models to
scale, from their authors' published figures.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STYLE = "dreamy synth-pop, female vocal"
LYRICS = "[verse]\nUp through the morning\nwe ride on the fire\n[chorus]\nHigher, higher\n"
PUBLISHED = [
    ("ace-step", "ACE-Step 1.5 (its authors): about 4 minutes of song in 20 s on one A100, ~0.08 s per second"),
    ("jukebox", "Jukebox 5b_lyrics (the Colab notebooks' experience): about 12 hours per 45 s song on a Colab GPU, "
                "~960 s per second"),
]


def timed(fn, runs: int) -> float:
    fn()  # warm: first calls allocate and compile kernels
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def acestep(folder: Path, seconds: float, runs: int) -> tuple[float, float]:
    """(filmmaker's engine, the pipeline called directly): seconds for one song of `seconds`."""
    import torch

    from filmmaker.backends.music.acestep import LANGUAGE, AceStep
    from filmmaker.backends.music.song import NoProgress, SongRequest, step_seed

    engine = AceStep(folder, "cpu", window_seconds=seconds + 1)  # one window: the same single pipeline call
    request = SongRequest(STYLE, LYRICS, seconds, 7, bpm=92, keyscale="C major")
    _, pipe, _ = engine._load()
    lps = pipe.latents_per_second
    frames = -(-round(seconds * pipe.sample_rate) // round(pipe.sample_rate / lps))

    def direct():
        options = {"prompt": STYLE, "lyrics": LYRICS, "vocal_language": LANGUAGE, "audio_duration": frames / lps,
                   "bpm": 92, "keyscale": "C major", "generator": torch.Generator("cpu").manual_seed(step_seed(7, "w")),
                   "guidance_scale": 1.0}
        return pipe(**options).audios[0]

    return timed(lambda: engine.generate(request, NoProgress()), runs), timed(direct, runs)


def jukebox(folder: Path, seconds: float, runs: int) -> tuple[float, float]:
    """(filmmaker's engine, jukebox-infer's own level-by-level sampler and decoder on the same models)."""
    from jukebox_infer import sample
    from jukebox_infer.hparams import Hyperparams

    from filmmaker.backends.music import jukebox as engine_module
    from filmmaker.backends.music.song import NoProgress, SongRequest

    engine = engine_module.Jukebox(folder, "cpu")
    torch, vqvae, priors, device = engine._load()
    model = engine.model
    sample.empty_cache = lambda: None  # as the engine does on a CPU: a gc.collect() per window
    request = SongRequest(STYLE, LYRICS, seconds, 7)
    top = len(priors) - 1
    hop = model.raw_to_tokens(top)
    least = max([p.n_ctx * p.raw_to_tokens for p in priors[:-1]] + [round(seconds * model.sr)])
    length = -(-least // hop) * hop
    hps = Hyperparams(n_samples=1, sample_length=length,
                      hop_fraction=[engine_module.HOP] * top + [engine_module.HOP_TOP])

    def direct():
        zs = [torch.zeros(1, 0, dtype=torch.long) for _ in priors]
        with engine_module._cuda_long_checks(device), torch.no_grad():
            torch.manual_seed(7)
            for level in reversed(range(len(priors))):
                prior = priors[level]
                artist, genre = engine_module.style_labels(STYLE, prior.labeller)
                labels = prior.labeller.get_batch_labels([{"artist": artist, "genre": genre, "lyrics": LYRICS,
                                                           "total_length": length, "offset": 0}], device)
                temp = engine_module.TEMP_TOP if level == top else engine_module.TEMP
                kwargs = {"temp": temp, "fp16": False, "max_batch_size": 1, "chunk_size": engine_module.CHUNK}
                zs = sample.sample_level(zs, labels, kwargs, level, prior, length // prior.raw_to_tokens,
                                         int(hps.hop_fraction[level] * prior.n_ctx), hps)
            return vqvae.decode(zs, start_level=0, end_level=len(priors))

    return timed(lambda: engine.generate(request, NoProgress()), runs), timed(direct, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each song")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from tests.acestep_model import build_tiny_acestep
    from tests.jukebox_model import build_tiny_jukebox

    with tempfile.TemporaryDirectory() as tmp:
        models = {"ace-step": (build_tiny_acestep(Path(tmp) / "ace"), acestep),
                  "jukebox": (build_tiny_jukebox(Path(tmp) / "jukebox"), jukebox)}
        print(f"{args.seconds:g} s songs on the tiny random models, this CPU, median of {args.runs}")
        for name, (folder, measure) in models.items():
            ours, direct = measure(folder, args.seconds, args.runs)
            print(f"{name:9s} filmmaker {ours:7.3f} s ({ours / args.seconds:.4f} s per second of song)   "
                  f"direct {direct:7.3f} s   overhead {ours / direct:.3f} (target <= 1.05)")
    print("On a GPU with the real weights (published figures; the overhead ratio carries over):")
    for name, figure in PUBLISHED:
        print(f"  {name:9s} {figure}")


if __name__ == "__main__":
    main()
