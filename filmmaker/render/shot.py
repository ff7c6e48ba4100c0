"""Frames of a shot (picture + camera move) and their encoding into one H.264/AAC segment.

Camera moves are an OpenCV affine warp per frame (sub-pixel, so a slow push-in does not
shimmer the way ffmpeg's integer-stepping zoompan does), piped raw into one ffmpeg encoder.
"""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path
from typing import Iterator

import cv2
import numpy as np

from filmmaker.errors import RenderError
from filmmaker.render.encoding import Encoding
from filmmaker.render.fades import faded
from filmmaker.render.ffmpeg import AAC, X264, StderrTail, ffmpeg_exe
from filmmaker.render.yuv import PIX_FMT, yuv420_planes

CAMERA_ZOOM = 1.15  # how far push-in / pull-out travel, and the zoom a pan works at
PAN_TRAVEL = 0.10  # a pan crosses this fraction of the frame width
FOOTAGE_MARGIN = 1.2  # footage with a camera move is decoded this much larger than the frame


def _ease(p: float) -> float:
    return p * p * (3 - 2 * p)  # smoothstep: the move starts and settles gently


def camera_view(camera: str, progress: float) -> tuple[float, float, float]:
    """(zoom, x offset, y offset) of the view at `progress` 0..1; offsets in frame widths/heights."""
    p = _ease(min(1.0, max(0.0, progress)))
    if camera == "push-in":
        return 1.0 + (CAMERA_ZOOM - 1) * p, 0.0, 0.0
    if camera == "pull-out":
        return CAMERA_ZOOM - (CAMERA_ZOOM - 1) * p, 0.0, 0.0
    if camera in ("pan-left", "pan-right"):
        sign = -1 if camera == "pan-left" else 1  # pan-left: the view travels left
        return CAMERA_ZOOM, sign * PAN_TRAVEL * (p - 0.5), 0.0
    return 1.0, 0.0, 0.0


def cover_scale(src_w: int, src_h: int, dst_w: int, dst_h: int) -> float:
    return max(dst_w / src_w, dst_h / src_h)


def view_matrix(camera: str, progress: float, src_w: int, src_h: int, out_w: int, out_h: int,
                anchor: tuple[float, float] = (0.5, 0.5)) -> np.ndarray:
    """Affine map from the source picture to the output frame for the camera at `progress`.

    The view is centred on the `anchor` crop at zoom 1, moved by the camera, and kept inside the
    picture so no edge ever shows.
    """
    zoom, dx, dy = camera_view(camera, progress)
    k0 = cover_scale(src_w, src_h, out_w, out_h)
    k = k0 * zoom
    cx = out_w / k0 / 2 + anchor[0] * (src_w - out_w / k0) + dx * out_w / k
    cy = out_h / k0 / 2 + anchor[1] * (src_h - out_h / k0) + dy * out_h / k
    half_w, half_h = out_w / k / 2, out_h / k / 2
    cx = min(max(cx, half_w), src_w - half_w)
    cy = min(max(cy, half_h), src_h - half_h)
    return np.array([[k, 0, out_w / 2 - k * cx], [0, k, out_h / 2 - k * cy]], dtype=np.float64)


class ShotFrames:
    """Frames of one shot by shot-local index; indices outside [0, frames) hold the move's ends
    (stills) or read the footage around the in/out points (footage), for dissolves. `fades`: frames
    the shot comes up from black at its start and goes down to black at its end (render/fades.py).

    Frames are RGBA (the alpha unused): OpenCV warps four channels twice as fast as three, and
    ffmpeg's scaler writes them faster too.
    """

    def __init__(self, enc: Encoding, frames: int, camera: str, image: np.ndarray | None = None,
                 footage: Path | None = None, footage_start: float = 0.0,
                 anchor: tuple[float, float] = (0.5, 0.5), frame_filter=None, clip: list[np.ndarray] | None = None,
                 fades: tuple[int, int] = (0, 0)):
        self.enc, self.frames, self.camera, self.anchor = enc, frames, camera, anchor
        self.fades = fades
        self.frame_filter = frame_filter  # applied to each decoded footage frame in order (face swap)
        self.footage, self.footage_start = footage, footage_start
        self.complaints: list[str] = []  # what the footage's decoder reported (damage it concealed)
        self.image = self._fit(image) if image is not None else None
        # a generated motion: its frames spread evenly over the shot, under the camera move
        self.clip = [self._fit(frame) for frame in clip] if clip else None

    def _fit(self, image: np.ndarray) -> np.ndarray:
        """Large pictures pre-shrunk with area averaging; the warp then only interpolates."""
        target = cover_scale(image.shape[1], image.shape[0], self.enc.width, self.enc.height) * CAMERA_ZOOM
        if target < 1:
            size = (max(1, round(image.shape[1] * target)), max(1, round(image.shape[0] * target)))
            image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        return _rgba(image)

    def _progress(self, index: int) -> float:
        return index / max(1, self.frames - 1)

    def _warp(self, source: np.ndarray, index: int, centred: bool = False) -> np.ndarray:
        anchor = (0.5, 0.5) if centred else self.anchor  # decoded footage is already anchored
        matrix = view_matrix(self.camera, self._progress(index), source.shape[1], source.shape[0],
                             self.enc.width, self.enc.height, anchor)
        return cv2.warpAffine(source, matrix, (self.enc.width, self.enc.height),
                              flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)

    def read(self, first: int, count: int) -> Iterator[np.ndarray]:
        frames = self._read(first, count)
        return faded(frames, first, self.frames, *self.fades) if any(self.fades) else frames

    def _read(self, first: int, count: int) -> Iterator[np.ndarray]:
        if self.clip is not None:
            for index in range(first, first + count):
                source = self.clip[min(max(index, 0) * len(self.clip) // max(1, self.frames), len(self.clip) - 1)]
                yield self._warp(source, index)
            return
        if self.image is not None:
            if self.camera == "static":
                frame = self._warp(self.image, 0)
                for _ in range(count):
                    yield frame
            else:
                for index in range(first, first + count):
                    yield self._warp(self.image, index)
            return
        for offset, frame in enumerate(self._decode(first, count)):
            if self.frame_filter is not None:  # face engines work on RGB
                frame = _rgba(self.frame_filter(frame))
            yield frame if self.camera == "static" else self._warp(frame, first + offset, centred=True)

    def _decode(self, first: int, count: int) -> Iterator[np.ndarray]:
        fps = self.enc.fps
        t0 = self.footage_start + float(first / fps)
        hold_front = 0
        if t0 < 0:
            hold_front = min(count, int(round(-t0 * fps)))
            t0 = 0.0
        decoder = self._decoder(["-ss", f"{t0:.6f}"], count - hold_front)
        try:
            last = decoder.frame()
            if last is None:  # past the footage's last frame (a dissolve's or a handle's): hold that frame
                last = self._last_frame()
            for _ in range(hold_front):  # before the footage's start: hold its first frame
                yield last
            for _ in range(count - hold_front):
                yield last
                frame = decoder.frame()
                last = last if frame is None else frame  # past its end: hold the last frame
        finally:
            decoder.close()
            if complaint := decoder.complaint():
                self.complaints.append(complaint)

    def _decoder(self, seek: list[str], count: int | None) -> _Decoder:
        fps = self.enc.fps
        scale = 1.0 if self.camera == "static" else FOOTAGE_MARGIN
        w, h = _even(self.enc.width * scale), _even(self.enc.height * scale)
        vf = (f"fps={fps.numerator}/{fps.denominator},scale={w}:{h}:force_original_aspect_ratio=increase"
              f":flags=bicubic,crop={w}:{h}:(in_w-{w})*{self.anchor[0]}:(in_h-{h})*{self.anchor[1]}")
        channels = 3 if self.frame_filter is not None else 4
        limit = ["-frames:v", str(count)] if count is not None else []
        command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", *seek,
                   "-i", str(self.footage), "-an", "-vf", vf, *limit,
                   "-f", "rawvideo", "-pix_fmt", "rgb24" if channels == 3 else "rgba", "-"]
        return _Decoder(command, (h, w, channels))

    def _last_frame(self) -> np.ndarray:
        """The footage's final frame, read from its last seconds to the end."""
        decoder = self._decoder(["-sseof", f"-{LAST_FRAME_WINDOW}"], None)
        try:
            last = None
            while (frame := decoder.frame()) is not None:
                last = frame
        finally:
            decoder.close()
        if last is None:
            why = decoder.complaint() or "it holds no picture"
            raise RenderError(f"no frames could be read from {self.footage}: {why}")
        return last


LAST_FRAME_WINDOW = 2.0  # seconds before the end decoded to find the last frame (GOPs end within it)


class _Decoder:
    """An ffmpeg decoding raw frames of `shape` to a pipe, its complaints drained aside."""

    def __init__(self, command: list[str], shape: tuple[int, int, int]):
        self.shape, self.size = shape, shape[0] * shape[1] * shape[2]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.stderr = StderrTail(self.process)

    def frame(self) -> np.ndarray | None:
        data = self.process.stdout.read(self.size)
        return np.frombuffer(data, np.uint8).reshape(self.shape) if len(data) == self.size else None

    def close(self) -> None:
        self.process.stdout.close()
        self.process.kill()
        self.process.wait()

    def complaint(self) -> str:
        return self.stderr.text().strip()[-500:]


def _rgba(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_RGB2RGBA) if image.shape[2] == 3 else np.ascontiguousarray(image)


def _even(value: float) -> int:
    return int(round(value / 2)) * 2


def dissolve(a: Iterator[np.ndarray], b: Iterator[np.ndarray], count: int) -> Iterator[np.ndarray]:
    for i, (fa, fb) in enumerate(zip(a, b)):
        alpha = (i + 0.5) / count
        yield cv2.addWeighted(fa, 1 - alpha, fb, alpha, 0.0)


def encode_segment(frames: Iterator[np.ndarray], count: int, audio: np.ndarray, enc: Encoding,
                   out: Path) -> None:
    """Encode exactly `count` frames plus `audio` (float32 at 48 kHz, mono or (n, channels),
    already exactly the segment's length) into an MP4 at `out`."""
    channels = 1 if audio.ndim == 1 else audio.shape[1]
    audio_path = out.with_suffix(".pcm")
    fps = enc.fps
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
               "-f", "rawvideo", "-pix_fmt", PIX_FMT, "-s", f"{enc.width}x{enc.height}",
               "-framerate", f"{fps.numerator}/{fps.denominator}", "-i", "-",
               "-f", "f32le", "-ar", "48000", "-ac", str(channels), "-i", str(audio_path),
               "-map", "0:v", "-map", "1:a",
               # one encoder thread: x264's output depends on its thread count, which by default
               # follows the machine's cores, so a segment made on another machine (a Ray worker)
               # would differ; the build's parallelism is segments side by side, on every core
               *X264, "-threads", "1", "-preset", enc.preset, "-crf", str(enc.crf), "-g", str(enc.gop),
               # the sound here is the editor's sync sound (the cut carries the mix's own AAC)
               "-x264-params", "stitchable=1", *AAC, "-ac", "2",
               "-video_track_timescale", str(fps.numerator * 100),
               "-frames:v", str(count), "-fflags", "+bitexact", "-f", "mp4", str(out)]
    try:
        audio.astype(np.float32).tofile(audio_path)
    except BaseException:
        audio_path.unlink(missing_ok=True)
        raise
    encoder = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    complaints = StderrTail(encoder)  # read as it goes: a full pipe would stop the encoder mid-film
    written, held, planes = 0, None, ()
    try:
        for frame in frames:
            if written == count:
                break
            if frame is not held:  # a static shot yields one frame again and again: converted once
                held, planes = frame, yuv420_planes(frame)
            for plane in planes:
                encoder.stdin.write(plane.data)
            written += 1
    except BrokenPipeError:
        pass
    except BaseException:  # interrupted, or the frames failed: stop the encoder rather than finish a part-file
        encoder.kill()
        raise
    finally:
        with contextlib.suppress(BrokenPipeError):
            encoder.stdin.close()  # on every path: an encoder whose stdin stays open waits for ever
        code = encoder.wait()
        audio_path.unlink(missing_ok=True)
    if code != 0 or written != count:
        raise RenderError(f"encoding {out.name} failed after {written}/{count} frames: {complaints.text()[-2000:]}")
