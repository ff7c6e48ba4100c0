"""espeak-ng, in-process through ctypes: many languages and voice variants, instant drafts.

The library and its data come from the `espeakng-loader` wheel (GPL-3.0 espeak-ng), so pip alone
is enough; a system `libespeak-ng` is used when the wheel is absent. `voice.model` names an
espeak voice with an optional variant: `en-us`, `en-us+f3`, `en+Mike`, `fr`, ...
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import threading
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from filmmaker.errors import ResolveError
from filmmaker.screenplay.model import VoiceSpec

DEFAULT_VOICE = "en-us"
BASE_WPM = 175  # espeak's default speaking rate
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_PARAM_RATE = 1
_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


def _locate() -> tuple[str, str | None, str]:
    """(library path, data path or None for the system default, version label)."""
    try:
        import espeakng_loader

        return (str(espeakng_loader.get_library_path()), str(espeakng_loader.get_data_path()),
                "espeakng-loader " + metadata.version("espeakng-loader"))
    except ImportError:
        system = ctypes.util.find_library("espeak-ng")
        if not system:
            raise ResolveError("espeak-ng is not available: pip install espeakng-loader "
                               "(or apt-get install espeak-ng)") from None
        return system, None, "system " + system


class _Espeak:
    """The library is one global synthesizer, one call at a time. It keeps state between
    utterances (its pitch flutter runs on) and seeds its noise from the clock, so the same line
    would come out different each time: every call loads it afresh, seeds it, and unloads it
    after (5 ms), which makes a line's audio depend on its text and voice alone."""

    def __init__(self, library: str, data: str | None):
        self.library, self.data = library, data
        self.lock = threading.Lock()
        self._chunks: list = []
        self._callback = _CALLBACK(self._collect)  # kept referenced: the library calls it later
        with self._session():
            pass

    @contextlib.contextmanager
    def _session(self):
        import _ctypes

        lib = ctypes.CDLL(self.library)
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                     ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        try:
            self.rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0,
                                              self.data.encode() if self.data else None, _INITIALIZE_DONT_EXIT)
            if self.rate <= 0:
                raise ResolveError(f"espeak-ng failed to initialize (data folder: {self.data})")
            lib.espeak_SetSynthCallback(self._callback)
            yield lib
        finally:
            lib.espeak_Terminate()
            _ctypes.dlclose(lib._handle)  # the last handle: its state goes with it

    def _collect(self, wav, count, _events) -> int:
        import numpy as np

        if count > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        return 0

    def has_voice(self, name: str) -> bool:
        with self.lock, self._session() as lib:
            return lib.espeak_SetVoiceByName(name.encode()) == 0

    def speak(self, text: str, voice: str, wpm: int):
        import numpy as np

        with self.lock, self._session() as lib:
            self._chunks = []
            if lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise ResolveError(f"espeak voice {voice!r} not found")
            lib.espeak_SetParameter(_PARAM_RATE, wpm, 0)
            lib.espeak_ng_SetRandSeed(0)  # it seeds its noise from the clock at start-up: a line must not vary
            data = text.encode("utf-8")
            lib.espeak_Synth(data, len(data) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
            audio = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.int16)
        return audio.astype(np.float32) / 32768.0


@lru_cache(maxsize=1)
def _engine() -> tuple[_Espeak, str]:
    library, data, version = _locate()
    return _Espeak(library, data), version


def variants() -> list[str]:
    """Voice variants shipped with the data (append to a language: `en+Mike`)."""
    _, data, _ = _locate()
    folder = Path(data) / "voices" / "!v" if data else None
    return sorted(p.name for p in folder.iterdir()) if folder and folder.is_dir() else []


class EspeakEngine:
    name = "espeak"

    def __init__(self, voice: str, version: str):
        self.voice, self.version = voice, version

    @classmethod
    def resolve(cls, spec: VoiceSpec, file_hash) -> "EspeakEngine":
        engine, version = _engine()
        voice = spec.model or DEFAULT_VOICE
        if not engine.has_voice(voice):
            raise ResolveError(f"espeak has no voice {voice!r}; try en-us, en-us+f3, en+Mike, fr, de "
                               "(`filmmaker voices` lists the variants)")
        return cls(voice, version)

    def identity(self) -> dict:
        return {"engine": "espeak", "version": self.version, "voice": self.voice}

    def synthesize(self, text: str, length_scale: float):
        engine, _ = _engine()
        wpm = int(round(min(450, max(80, BASE_WPM / length_scale))))
        return engine.speak(text, self.voice, wpm), engine.rate
