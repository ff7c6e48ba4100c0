"""Generated pictures: per-shot time through filmmaker's build against the diffusers pipeline
called directly with the same model and settings, side by side in one run.

    python benchmarks/imagery.py [--arch small|sd-turbo] [--shots 6] [--steps 4]

Both sides load the pipeline once and generate the same prompts in the same batches with the
same seeds; filmmaker's side also writes each image into its cache (PNG + record). Prints the
seconds per shot of each and their ratio (target <= 1.05: the build adds little to the model).

No real weights are available offline, so the model is randomly initialised: `small` (a 256 px
latent-diffusion pipeline that runs on a CPU in seconds) or `sd-turbo` (SD-Turbo's architecture
at full size, from its config values: meant for a GPU; the work per image is the real model's).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROMPTS = ["a lighthouse at dusk", "a crowded market", "an empty railway platform", "a kitchen at dawn",
           "a desert road", "rain on a window", "a library at night", "a harbour in fog"]


def random_pipeline(folder: Path, arch: str) -> Path:
    import torch
    from diffusers import AutoencoderKL, EulerDiscreteScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    from tests.diffusion_model import _tokenizer

    torch.manual_seed(0)
    if arch == "sd-turbo":  # SD 2.1's UNet and VAE, OpenCLIP ViT-H's text tower: 512 px native
        unet = UNet2DConditionModel(sample_size=64, block_out_channels=(320, 640, 1280, 1280),
                                    attention_head_dim=(5, 10, 20, 20), cross_attention_dim=1024,
                                    use_linear_projection=True, layers_per_block=2)
        vae = AutoencoderKL(block_out_channels=(128, 256, 512, 512), latent_channels=4, sample_size=512,
                            down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4)
        text = CLIPTextConfig(hidden_size=1024, intermediate_size=4096, num_attention_heads=16, num_hidden_layers=23,
                              projection_dim=1024, hidden_act="gelu", vocab_size=49408, bos_token_id=0,
                              eos_token_id=1, pad_token_id=1)
    else:  # the same shape scaled down: 256 px native, a few hundred ms a step on 2 cores
        unet = UNet2DConditionModel(sample_size=32, block_out_channels=(64, 128, 128), layers_per_block=1,
                                    down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
                                    up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
                                    cross_attention_dim=64, attention_head_dim=4)
        vae = AutoencoderKL(block_out_channels=(32, 64, 64, 64), latent_channels=4,
                            down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4)
        text = CLIPTextConfig(hidden_size=64, intermediate_size=128, num_attention_heads=4, num_hidden_layers=2,
                              vocab_size=600, bos_token_id=0, eos_token_id=1, pad_token_id=1)
    pipeline = StableDiffusionPipeline(vae=vae, text_encoder=CLIPTextModel(text),
                                       tokenizer=_tokenizer(folder.with_name("vocab")), unet=unet,
                                       scheduler=EulerDiscreteScheduler(beta_schedule="scaled_linear",
                                                                        beta_start=0.00085, beta_end=0.012,
                                                                        timestep_spacing="trailing"),
                                       safety_checker=None, feature_extractor=None, requires_safety_checker=False)
    pipeline.save_pretrained(folder)
    return folder


def screenplay(folder: Path, model: Path, shots: int, steps: int) -> Path:
    shot_lines = "".join(f"      - {{id: s{i}, picture: {{prompt: {PROMPTS[i % len(PROMPTS)]}}}, duration: 1}}\n"
                         for i in range(shots))
    path = folder / "film.yaml"
    path.write_text(textwrap.dedent(f"""\
        title: Bench
        imagery: {{model: {model}, steps: {steps}, guidance: 0, seed: 1, batch: 1}}
        scenes:
          - heading: EXT. SOMEWHERE - DAY
            shots:
        """) + shot_lines)
    return path


def through_filmmaker(path: Path) -> float:
    from filmmaker.build import prepare
    from filmmaker.executors.local import execute
    from filmmaker.plan import plan_film
    from filmmaker.screenplay import load_screenplay

    plan = plan_film(load_screenplay(path))
    work, film = prepare(plan)
    images = [node.id for node in film.graph.of_kind("image")]
    assert len(images) == len(plan.shots), "every shot should be a generated image"
    started = time.perf_counter()
    execute(film.graph, images, work)  # in this process: one pipeline load, the images in batches
    return time.perf_counter() - started


def direct(path: Path, model: Path, steps: int) -> float:
    """What a user would write without filmmaker: load, then one call per shot, save a PNG."""
    import torch
    from diffusers import AutoPipelineForText2Image
    from diffusers.utils import logging
    from transformers.utils import logging as transformers_logging

    from filmmaker.backends.imagery import pick_device
    from filmmaker.build import prepare
    from filmmaker.graph.prompts import generation
    from filmmaker.plan import plan_film
    from filmmaker.screenplay import load_screenplay

    logging.disable_progress_bar()
    transformers_logging.disable_progress_bar()
    device = pick_device("auto")
    plan = plan_film(load_screenplay(path))
    imagery = plan.screenplay.imagery
    gens = [generation(plan, ps, imagery) for ps in plan.shots]  # the same prompts and seeds
    work, _ = prepare(plan)
    started = time.perf_counter()
    pipe = AutoPipelineForText2Image.from_pretrained(
        model, dtype=torch.float32 if device == "cpu" else torch.float16, local_files_only=True).to(device)
    pipe.set_progress_bar_config(disable=True)
    for i, gen in enumerate(gens):
        image = pipe(prompt=gen.prompt, num_inference_steps=steps, guidance_scale=0.0,
                     generator=torch.Generator("cpu").manual_seed(gen.seed)).images[0]
        image.save(work.spec.state_dir / f"direct-{i}.png")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", choices=("small", "sd-turbo"), default="small")
    parser.add_argument("--shots", type=int, default=6)
    parser.add_argument("--steps", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        model = random_pipeline(Path(tmp) / "model", args.arch)
        project = Path(tmp) / "project"
        project.mkdir()
        path = screenplay(project, model, args.shots, args.steps)
        (project / ".filmmaker").mkdir()
        direct(path, model, args.steps)  # warm-up: first import and allocation costs on neither side
        plain = direct(path, model, args.steps) / args.shots
        ours = through_filmmaker(path) / args.shots
    from filmmaker.backends.imagery import pick_device

    print(f"{args.shots} shots, {args.steps} steps, random {args.arch} pipeline on {pick_device('auto')}")
    print(f"diffusers called directly: {plain:.3f} s per shot")
    print(f"through filmmaker:         {ours:.3f} s per shot")
    print(f"overhead ratio: {ours / plain:.3f} (target <= 1.05)")


if __name__ == "__main__":
    main()
