"""The shots within a piece of footage: PySceneDetect's ContentDetector over frames OpenCV decodes.

We run the detector ourselves rather than through `scenedetect.detect()`/SceneManager, for two
reasons found by trying them on damaged and unusual files:
- SceneManager numbers frames from their timestamps (round(pts * fps)), so a file whose first
  timestamp is not 0, or whose frame rate varies, gets frame numbers that are not frame indices.
  We hand the detector each frame's decode index, so a cut at frame N means "the Nth frame OpenCV
  decodes" -- the same numbering as cv2.CAP_PROP_POS_FRAMES, with which callers seek.
- SceneManager reports a one-frame scene for a file of which no frame decodes, and its PyAV
  backend raises OSError/IndexError (not VideoOpenFailure) for an empty or audio-only file.
  Here every unreadable file raises UnreadableMedia, naming the file and why.
"""

from __future__ import annotations

import itertools
import math
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from filmmaker.errors import FilmmakerError, RenderError


@dataclass(frozen=True)
class FootageShot:
    start_frame: int
    end_frame: int  # exclusive
    start: float  # seconds = start_frame / fps
    end: float


class UnreadableMedia(FilmmakerError):
    """A file that cannot be opened or decoded as video (or, for the library, as an image)."""


def footage_shots(path: Path, threshold: float = 27.0, min_seconds: float = 0.5) -> tuple[float, list[FootageShot]]:
    """(fps, shots) for the footage at `path`; a clip with no cut is one shot covering all of it.

    `threshold` is ContentDetector's (the mean HSV change between frames that counts as a cut; the
    scenedetect CLI's -t), `min_seconds` the shortest shot it may report."""
    import os

    # a damaged file is reported once, as UnreadableMedia, not also by ffmpeg and OpenCV on stderr
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # read when a capture opens
    import cv2

    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
    from scenedetect import ContentDetector, FrameTimecode
    from scenedetect.scene_manager import compute_downscale_factor

    path = Path(path)
    _check_file(path)
    # CAP_FFMPEG, not CAP_ANY: a file ffmpeg refuses is refused, not offered to OpenCV's other
    # readers (its image-sequence reader takes a '%' in a name as a pattern). Absolute, so that
    # ffmpeg cannot take a name like "concat:x.mp4" for a protocol.
    capture = cv2.VideoCapture(str(path.absolute()), cv2.CAP_FFMPEG)
    try:
        if not capture.isOpened():
            raise UnreadableMedia(f"{path}: cannot be opened as video (not a video, or damaged: an unfinished "
                                  f"recording or download has no index); re-download or re-encode it")
        fps = capture.get(cv2.CAP_PROP_FPS)
        if not math.isfinite(fps) or fps <= 0:
            raise UnreadableMedia(f"{path}: has no video stream with a frame rate; re-encode it")
        declared = capture.get(cv2.CAP_PROP_FRAME_COUNT)
        detector = ContentDetector(threshold=threshold, min_scene_len=float(min_seconds))
        cuts: set[int] = set()
        size = None
        count = 0
        while True:
            try:
                ok, frame = capture.read()
            except cv2.error as exc:
                raise UnreadableMedia(f"{path}: frame {count} cannot be decoded ({exc}); re-encode it") from None
            if not ok or frame is None:
                break
            if size is None:
                # The same working size as SceneManager's auto-downscale (about 256 px wide), so a
                # threshold tuned with the scenedetect CLI means the same here.
                height, width = frame.shape[:2]
                factor = compute_downscale_factor(max(width, height))
                size = (max(1, round(width / factor)), max(1, round(height / factor)))
            if (frame.shape[1], frame.shape[0]) != size:  # also evens out a mid-stream size change
                frame = cv2.resize(frame, size, interpolation=cv2.INTER_LINEAR)
            found = detector.process_frame(FrameTimecode(count, fps), frame)
            cuts.update(tc.frame_num for tc in found)
            count += 1
    finally:
        capture.release()
    if count == 0:
        raise UnreadableMedia(f"{path}: no frame of it can be decoded (damaged, or not video); re-encode it")
    cuts.update(tc.frame_num for tc in detector.post_process(FrameTimecode(count - 1, fps)))
    if math.isfinite(declared) and count < declared:
        _check_not_truncated(path, count, int(declared))
    edges = [0, *sorted(c for c in cuts if 0 < c < count), count]
    shots = [FootageShot(start_frame=a, end_frame=b, start=a / fps, end=b / fps) for a, b in itertools.pairwise(edges)]
    return fps, shots


def _check_file(path: Path) -> None:
    if not path.exists():
        raise UnreadableMedia(f"{path}: no such file")
    if not path.is_file():  # a FIFO or device would block the decoder forever
        raise UnreadableMedia(f"{path}: not a regular file")
    if path.stat().st_size == 0:
        raise UnreadableMedia(f"{path}: the file is empty (0 bytes); re-download or re-export it")


def _check_not_truncated(path: Path, decoded: int, declared: int) -> None:
    """Fewer frames decoded than the container declares: a truncated file, or only an edit list
    (a stream-copied cut declares every frame of its first GOP, but plays from the cut). OpenCV
    cannot tell the two apart, so ask ffmpeg to read every packet: a truncated file fails."""
    from filmmaker.render.ffmpeg import ffmpeg_exe

    try:
        command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-xerror",
                   "-i", str(path.absolute()), "-map", "0:v:0", "-c", "copy", "-f", "null", "-"]
        result = subprocess.run(command, check=False, capture_output=True, timeout=120)
    except (RenderError, OSError, subprocess.TimeoutExpired):
        return  # no verdict: keep the frames that did decode
    if result.returncode != 0:
        # "[in#0/mov,... @ 0x55...] corrupt input packet in stream 0": the container's complaint,
        # without the address; else ffmpeg's last word
        lines = [re.sub(r"^\[[^]]*\]\s*", "", line) for line in result.stderr.decode(errors="replace").splitlines()]
        lines = [line for line in lines if line.strip()] or [f"ffmpeg exit status {result.returncode}"]
        why = next((line for line in lines if re.search(r"corrupt|partial|truncat|end of file", line, re.IGNORECASE)),
                   lines[-1])
        raise UnreadableMedia(f"{path}: only {decoded} of its {declared} frames can be read; it is truncated or "
                              f"damaged ({why[-300:]}); re-download or re-encode it")
