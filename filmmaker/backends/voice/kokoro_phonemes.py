"""English text -> Kokoro phoneme tokens, through espeak-ng's IPA.

Kokoro-82M was trained on misaki's phonemes, a compact IPA with one letter per diphthong and
affricate (`A` for the vowel of "day", `ʤ` for "j"). misaki falls back on espeak-ng for words
outside its lexicon and rewrites espeak's IPA into that alphabet; we do the same for every word,
which needs no lexicon, no spaCy and no download. The rewrite rules below follow the
correspondences misaki's espeak fallback uses (written out here in our own form).
"""

from __future__ import annotations

import ctypes
import re

MAX_TOKENS = 510  # the model's context (512) less the two padding tokens around every chunk
TIE = "^"  # espeak joins the letters of one phoneme with it (`a^ɪ`), so diphthongs are unambiguous
# espeak_TextToPhonemes' phoneme mode: bit 1 = IPA, bit 7 = "bits 8-23 hold a tie character"
_IPA_WITH_TIE = 0x02 | 0x80 | (ord(TIE) << 8)
_CHARS_UTF8 = 1
PUNCTUATION = ";:,.!?—…"
ESPEAK_VOICES = {"en-us": "en-us", "en-gb": "en"}  # espeak-ng calls its British English plain `en`  # marks Kokoro knows and pauses on; espeak drops them, so we carry them over

# (espeak IPA, Kokoro symbol), longest first so a diphthong is rewritten before its letters are
_COMMON = (
    ("ʔˌn\u0329", "ʔn"), ("ʔn\u0329", "ʔn"),  # glottal-stop + syllabic n ("button")
    ("a^ɪ", "I"), ("a^ʊ", "W"), ("e^ɪ", "A"), ("ɔ^ɪ", "Y"),  # diphthongs: one symbol each
    ("d^ʒ", "ʤ"), ("t^ʃ", "ʧ"),  # affricates
    ("ə^l", "ᵊl"),  # dark syllabic l ("little")
    ("ʲo", "jo"), ("ʲə", "jə"), ("ʲ", ""),  # palatalization: a y-glide or nothing
    ("ɚ", "əɹ"), ("r", "ɹ"), ("e", "A"),  # r-coloured schwa and the English r
    ("x", "k"), ("ç", "k"), ("ɐ", "ə"), ("ɬ", "l"), ("\u0303", ""),  # sounds English voices lack
)
_AMERICAN = (("o^ʊ", "O"), ("ɜːɹ", "ɜɹ"), ("ɜː", "ɜɹ"), ("ɪə", "iə"), ("ː", ""))
_BRITISH = (("e^ə", "ɛː"), ("iə", "ɪə"), ("ə^ʊ", "Q"))
# Kokoro v1.0's American lexicon writes the flap as T and the glottal stop as t
_LATE = (("o", "ɔ"), ("ɾ", "T"), ("ʔ", "t"))


def to_kokoro(ipa: str, british: bool = False) -> str:
    """espeak-ng IPA (with TIE between a phoneme's letters) rewritten into Kokoro's symbols."""
    # the accent's own vowels first: the common `e` -> `A` would otherwise eat British `e^ə` ("where")
    for old, new in _BRITISH if british else _AMERICAN:
        ipa = ipa.replace(old, new)
    for old, new in sorted(_COMMON, key=lambda pair: -len(pair[0])):
        ipa = ipa.replace(old, new)
    ipa = re.sub(r"(\S)\u0329", r"ᵊ\1", ipa)  # another syllabic consonant: a schwa before it
    for old, new in _LATE:
        ipa = ipa.replace(old, new)
    return ipa.replace(TIE, "")


def clauses(text: str) -> list[tuple[str, str]]:
    """(words, the punctuation after them) pieces of a line. A mark counts only before a space or
    the end, so "3.5" and "U.S" stay whole; dashes of any kind become Kokoro's em dash."""
    text = re.sub(r"\.\.\.", "…", text)
    text = re.sub(r"\s*(?:—|–|--|\s-\s)\s*", " — ", text)
    parts = re.split(rf"([{re.escape(PUNCTUATION)}]+)(?=\s|$)", text)
    pieces = []
    for index in range(0, len(parts), 2):
        marks = parts[index + 1] if index + 1 < len(parts) else ""
        if parts[index].strip() or marks:
            pieces.append((parts[index].strip(), marks))
    return pieces


def _espeak_ipa(lib, text: str) -> str:
    """One piece of text through espeak_TextToPhonemes, clause by clause until it is consumed."""
    lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
    lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_int]
    buffer = ctypes.create_string_buffer(text.encode("utf-8"))  # held here while espeak walks it
    pointer = ctypes.c_void_p(ctypes.addressof(buffer))
    out = []
    for _ in range(len(buffer)):  # espeak sets the pointer to NULL at the end; never loop past the text
        if not pointer.value:
            break
        out.append((lib.espeak_TextToPhonemes(ctypes.byref(pointer), _CHARS_UTF8, _IPA_WITH_TIE) or b"").decode())
    return " ".join(p.strip() for p in out if p.strip())


def phonemize(text: str, language: str) -> str:
    """A line as Kokoro phonemes (`en-us` or `en-gb` English), punctuation kept."""
    from filmmaker.backends.voice.espeak import _engine

    # The espeak engine's own library handle and lock: espeak-ng is one global synthesizer per
    # process, and that engine loads it fresh per call so its voices stay reproducible.
    engine, _ = _engine()
    pieces = clauses(text)
    out = []
    with engine.lock, engine._session() as lib:
        if lib.espeak_SetVoiceByName(ESPEAK_VOICES[language].encode()) != 0:
            raise ValueError(f"espeak-ng has no voice for {language!r}")
        for words, marks in pieces:
            ipa = _espeak_ipa(lib, words) if words else ""
            out.append(to_kokoro(ipa, british=language == "en-gb") + "".join(m for m in marks if m in PUNCTUATION))
    return " ".join(p for p in out if p).strip()


def tokenize(phonemes: str, vocab: dict[str, int]) -> list[int]:
    """Token ids of the phonemes the model knows; anything else (a stray symbol) is dropped."""
    return [vocab[p] for p in phonemes if p in vocab]


def split_tokens(phonemes: str, limit: int = MAX_TOKENS) -> list[str]:
    """Pieces of at most `limit` symbols, cut at the last sentence end, else clause mark, else
    space before the limit, so a long line never loses its tail and rarely breaks a phrase."""
    pieces = []
    rest = phonemes.strip()
    while len(rest) > limit:
        cut = _last_boundary(rest[:limit])
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        pieces.append(rest)
    return pieces


def _last_boundary(head: str) -> int:
    for marks in (".!?…", ",;:—", " "):
        at = max(head.rfind(m) for m in marks)
        if at > 0:
            return at + 1
    return len(head)  # one unbroken run longer than the context: cut it
