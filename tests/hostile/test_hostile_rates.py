"""Frame rates the screenplay accepts whose frames fall between audio samples (7, 13.37 fps): a
dissolve's two halves must still make one segment's sound, whatever the rounding."""

from __future__ import annotations

import pytest
from hostile_kit import HEAD, cli, write_project


@pytest.mark.parametrize(("fps", "seconds", "crossfade"), [(7, 1.5, 0.5), (13.37, 2, 1.0)])
def test_a_dissolve_at_an_odd_frame_rate_builds(tmp_path, fps, seconds, crossfade):
    # at these lengths the shots' sample clocks round apart by one sample across the dissolve
    path = write_project(tmp_path, f"""      - id: a1
        picture: {{card: ONE}}
        duration: {seconds}
      - id: a2
        picture: {{card: TWO}}
        duration: {seconds}
        transition: {{crossfade: {crossfade}}}
""", head=HEAD.replace("fps: 24", f"fps: {fps}"))
    result = cli("build", path, "--jobs", "1", "--preview")
    assert result.code == 0, result
    assert (tmp_path / "out" / "hostile.mp4").stat().st_size > 0
