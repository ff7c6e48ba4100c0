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


def _entry(cache: Cache, kind: str, key: str, data: bytes = b"x" * 64) -> None:
    with cache.put(kind, key, ".bin") as tmp:
        tmp.write_bytes(data)


def test_a_flipped_byte_is_quarantined_reported_and_never_served(tmp_path):
    _entry(Cache(tmp_path), "segment", "ab" * 32)
    path = Cache(tmp_path).path("segment", "ab" * 32, ".bin")
    data = bytearray(path.read_bytes())
    data[10] ^= 0xFF
    path.write_bytes(bytes(data))  # same size: only the hash can tell
    cache = Cache(tmp_path)
    assert cache.get("segment", "ab" * 32, ".bin") is None
    assert len(cache.corrupt) == 1 and "does not match the SHA-256" in cache.corrupt[0]
    assert not path.exists()
    assert len(list((tmp_path / "quarantine" / "segment").iterdir())) == 2  # artifact and record, aside


def test_an_artifact_without_its_record_is_a_miss_left_for_its_writer(tmp_path):
    cache = Cache(tmp_path)
    path = cache.path("line", "cd" * 32, ".bin")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"in flight")  # another build renamed it in and is about to write the record
    assert cache.get("line", "cd" * 32, ".bin") is None
    assert path.exists() and cache.corrupt == []


def test_verify_rehashes_everything_and_names_the_damage(tmp_path):
    cache = Cache(tmp_path)
    for i in range(3):
        _entry(cache, "line", f"{i:02d}" * 32)
    cache.path("line", "01" * 32, ".bin").write_bytes(b"y" * 64)
    found = Cache(tmp_path).verify()
    assert len(found) == 1 and "01010101" in found[0]
    assert sorted(e.key[:2] for e in Cache(tmp_path).entries()) == ["00", "02"]


def test_gc_keeps_referenced_and_recent_entries_and_sweeps_stale_leftovers(tmp_path):
    import os
    import time

    cache = Cache(tmp_path)
    for key in ("aa", "bb", "cc"):
        _entry(cache, "picture", key * 32)
    old = time.time() - 3 * 86400
    for entry in cache.entries():
        if not entry.key.startswith("cc"):  # cc was written just now
            os.utime(entry.record, (old, old))
    leftover = cache.path("segment", "dd" * 32, ".bin").with_name(".dd.xyz.part.bin")  # a killed build's temp
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"half")
    os.utime(leftover, (old, old))
    removed = cache.gc({("picture", "aa" * 32)}, grace_seconds=86400)
    assert sorted(e.key[:2] for e in cache.entries()) == ["aa", "cc"]  # kept: referenced, and too recent
    assert leftover in removed and not leftover.exists()
    assert not cache.path("picture", "bb" * 32, ".bin").exists()


def test_an_artifact_made_elsewhere_is_adopted_only_when_it_matches_its_record(tmp_path):
    elsewhere, here = Cache(tmp_path / "worker"), Cache(tmp_path / "driver")
    with elsewhere.put("segment", "k" * 64, ".mp4", {"frames": 24}) as tmp:
        tmp.write_bytes(b"segment bytes")
    record = elsewhere.record("segment", "k" * 64)
    with pytest.raises(OSError, match="arrived damaged"):
        here.adopt("segment", "k" * 64, ".mp4", b"segment bytez", record)
    assert here.get("segment", "k" * 64, ".mp4") is None and not list((tmp_path / "driver").rglob("*.mp4"))
    with pytest.raises(OSError, match="record of"):
        here.adopt("picture", "k" * 64, ".png", b"segment bytes", record)
    here.adopt("segment", "k" * 64, ".mp4", b"segment bytes", record)
    assert here.get("segment", "k" * 64, ".mp4").read_bytes() == b"segment bytes"
    assert here.record("segment", "k" * 64)["frames"] == 24 and here.written == []
