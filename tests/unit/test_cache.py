"""The content-addressed store: atomic writes, records, damaged entries never served."""

from __future__ import annotations

import pytest

from filmmaker.cache import Cache, FileHashes, atomic_path, content_key, file_sha256


def test_content_key_ignores_key_order_but_not_values():
    assert content_key({"a": 1, "b": [1, 2]}) == content_key({"b": [1, 2], "a": 1})
    assert content_key({"a": 1}) != content_key({"a": 2})


def test_put_then_get_returns_the_artifact_with_its_record(tmp_path):
    cache = Cache(tmp_path)
    with cache.put("line", "ab" * 32, ".bin", {"samples": 3}) as tmp:
        tmp.write_bytes(b"abc")
    path = cache.get("line", "ab" * 32, ".bin")
    assert path is not None and path.read_bytes() == b"abc"
    record = cache.record("line", "ab" * 32)
    assert record["size"] == 3 and record["samples"] == 3 and record["sha256"] == file_sha256(path)


def test_failed_write_leaves_no_entry_and_no_temp_file(tmp_path):
    cache = Cache(tmp_path)
    with pytest.raises(RuntimeError):
        with cache.put("segment", "cd" * 32, ".mp4") as tmp:
            tmp.write_bytes(b"half a segment")
            raise RuntimeError("encoder died")
    assert cache.get("segment", "cd" * 32, ".mp4") is None
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_truncated_entry_is_dropped_not_served(tmp_path):
    cache = Cache(tmp_path)
    with cache.put("mix", "ef" * 32, ".f32") as tmp:
        tmp.write_bytes(b"x" * 100)
    path = cache.path("mix", "ef" * 32, ".f32")
    path.write_bytes(b"x" * 50)
    assert cache.get("mix", "ef" * 32, ".f32") is None
    assert not path.exists()


def test_artifact_without_record_is_not_served(tmp_path):
    cache = Cache(tmp_path)
    path = cache.path("cut", "01" * 32, ".mp4")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"complete-looking bytes from a killed build")
    assert cache.get("cut", "01" * 32, ".mp4") is None


def test_atomic_path_gives_ordinary_permissions(tmp_path):
    import os
    import stat

    with atomic_path(tmp_path / "film.mp4") as tmp:
        tmp.write_bytes(b"cut")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((tmp_path / "film.mp4").stat().st_mode) == 0o666 & ~umask != 0o600


def test_atomic_path_keeps_the_old_file_until_success(tmp_path):
    final = tmp_path / "film.mp4"
    final.write_bytes(b"previous good cut")
    with pytest.raises(KeyboardInterrupt):
        with atomic_path(final) as tmp:
            tmp.write_bytes(b"new cut, half written")
            raise KeyboardInterrupt
    assert final.read_bytes() == b"previous good cut"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["film.mp4"]


def test_file_hashes_rehash_only_when_the_file_changes(tmp_path, monkeypatch):
    import filmmaker.cache as cache_module

    media = tmp_path / "still.png"
    media.write_bytes(b"one")
    calls = []
    real = cache_module.file_sha256
    monkeypatch.setattr(cache_module, "file_sha256", lambda p: calls.append(p) or real(p))
    hashes = FileHashes(tmp_path / "hashes.json")
    first = hashes(media)
    hashes.save()
    again = FileHashes(tmp_path / "hashes.json")
    assert again(media) == first and len(calls) == 1
    media.write_bytes(b"two!")
    assert again(media) != first and len(calls) == 2
