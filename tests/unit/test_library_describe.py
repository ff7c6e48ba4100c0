"""describe_media: each source in precedence order, made in the test (sidecars, XMP, IPTC, EXIF,
the file name), and the hostile cases that must fall through with a warning instead of raising."""

from __future__ import annotations

import json
import os
import struct

import pytest
from PIL import Image

from filmmaker.library.describe import describe_media, filename_words, licence_of, sidecars

XMP = b"""<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:description><rdf:Alt>
    <rdf:li xml:lang="fr">Une fusee au decollage</rdf:li>
    <rdf:li xml:lang="x-default">A rocket lifting off at dawn</rdf:li>
   </rdf:Alt></dc:description>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">Launch</rdf:li></rdf:Alt></dc:title>
   <dc:subject><rdf:Bag><rdf:li>rocket</rdf:li><rdf:li>smoke plume</rdf:li></rdf:Bag></dc:subject>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def _image() -> Image.Image:
    return Image.new("RGB", (16, 12), (200, 40, 40))


def _iptc_app13(records: list[tuple[int, int, bytes]]) -> bytes:
    """A JPEG APP13 segment: Photoshop image resource 0x0404 holding IPTC-IIM datasets."""
    iim = b"".join(b"\x1c" + bytes([rec, ds]) + struct.pack(">H", len(data)) + data for rec, ds, data in records)
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iim)) + iim
    resource += b"\x00" * (len(iim) & 1)
    body = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + struct.pack(">H", len(body) + 2) + body


def _jpeg_with_iptc(path, records, **save) -> None:
    _image().save(path, "JPEG", **save)
    data = path.read_bytes()
    path.write_bytes(data[:2] + _iptc_app13(records) + data[2:])  # right after SOI


def _exif(description: str) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010E] = description
    return exif


# --- sidecars -------------------------------------------------------------------------------------

def test_sidecars_are_listed_json_first_whole_name_first(tmp_path):
    media = tmp_path / "rocket.jpg"
    _image().save(media)
    for name in ("rocket.txt", "rocket.jpg.txt", "rocket.json", "rocket.jpg.json", "other.json"):
        (tmp_path / name).write_text("{}")
    os.mkfifo(tmp_path / "rocket.png.json")  # a FIFO is never listed (reading it would block)
    assert [p.name for p in sidecars(media)] == ["rocket.jpg.json", "rocket.json", "rocket.jpg.txt", "rocket.txt"]
    assert [p.name for p in sidecars(tmp_path / "rocket.png")] == ["rocket.json", "rocket.txt"]


def test_json_sidecar_wins_over_everything(tmp_path):
    media = tmp_path / "rocket_launch.jpg"
    _image().save(media, xmp=XMP, exif=_exif("from exif"))
    (media.with_suffix(".txt")).write_text("from the text sidecar")
    (media.with_suffix(".json")).write_text(json.dumps({
        "description": "A  rocket\nclimbing through cloud", "tags": ["rocket", "sky", "sky"],
        "license": "CC-BY-4.0", "title": "Ascent"}))
    d = describe_media(media)
    assert d.source == "sidecar"
    assert d.text == "Ascent. A rocket climbing through cloud. sky"  # tags it already says are not repeated
    assert d.tags == ("rocket", "sky")
    assert (d.licence, d.title, d.warnings) == ("CC-BY-4.0", "Ascent", ())
    assert licence_of(media) == "CC-BY-4.0"


def test_whole_name_json_beats_stem_json(tmp_path):
    media = tmp_path / "rocket.jpg"
    _image().save(media)
    (tmp_path / "rocket.json").write_text('{"description": "shared by rocket.jpg and rocket.mp4"}')
    (tmp_path / "rocket.jpg.json").write_text('{"description": "just the still", "licence": "CC0"}')
    assert describe_media(media).text == "just the still"
    assert licence_of(media) == "CC0"


def test_text_sidecar_licence_line_is_not_description(tmp_path):
    media = tmp_path / "pad.mp4"
    media.write_bytes(b"not decoded here")
    (tmp_path / "pad.txt").write_text("\ufeffThe launch pad at night,\nfloodlit.\nLicence: CC-BY-SA 4.0\n")
    d = describe_media(media)
    assert (d.source, d.text, d.licence) == ("sidecar", "The launch pad at night, floodlit.", "CC-BY-SA 4.0")
    assert licence_of(media) == "CC-BY-SA 4.0"


def test_json_with_only_a_licence_keeps_it_and_falls_through(tmp_path):
    media = tmp_path / "rocket.jpg"
    _image().save(media, exif=_exif("A rocket on its pad"))
    (tmp_path / "rocket.json").write_text('{"licence": "CC0"}')
    d = describe_media(media)
    assert (d.source, d.text, d.licence, d.warnings) == ("exif", "A rocket on its pad", "CC0", ())


@pytest.mark.parametrize("content, why", [
    (b'{"description": "unterminated', "not valid JSON"),
    (b'["a list"]', "not an object"),
    (b"[" * 100_000, "not usable JSON"),  # nesting deeper than the parser's recursion limit
    (b'{"description": "caf\xe9"}', "not UTF-8"),
    (b'{"description": "' + b"x" * (1 << 20) + b'"}', "over the"),
])
def test_bad_json_sidecar_falls_back_with_a_warning(tmp_path, content, why):
    media = tmp_path / "rocket_launch-pad_0042.jpg"
    _image().save(media, xmp=XMP)
    sidecar = tmp_path / "rocket_launch-pad_0042.json"
    sidecar.write_bytes(content)
    d = describe_media(media)
    assert d.source == "xmp"
    assert len(d.warnings) == 1 and str(sidecar) in d.warnings[0] and why in d.warnings[0]
    assert licence_of(media) is None


def test_bad_json_falls_back_to_the_text_sidecar(tmp_path):
    media = tmp_path / "rocket.jpg"
    _image().save(media)
    (tmp_path / "rocket.json").write_text("{not json")
    (tmp_path / "rocket.txt").write_text("A rocket, from the text file")
    d = describe_media(media)
    assert (d.source, d.text) == ("sidecar", "A rocket, from the text file")
    assert "rocket.json" in d.warnings[0]


def test_wrong_field_types_are_ignored_with_a_warning(tmp_path):
    media = tmp_path / "rocket.jpg"
    _image().save(media)
    (tmp_path / "rocket.json").write_text('{"description": 42, "title": "Liftoff", "tags": "smoke, fire"}')
    d = describe_media(media)
    assert (d.source, d.text, d.tags) == ("sidecar", "Liftoff. smoke, fire", ("smoke", "fire"))
    assert '"description" should be a string' in d.warnings[0]


# --- embedded metadata ----------------------------------------------------------------------------

def test_xmp_description_title_and_subject(tmp_path):
    media = tmp_path / "IMG_0042.jpg"
    _image().save(media, xmp=XMP, exif=_exif("from exif"))
    d = describe_media(media)
    assert d.source == "xmp"
    assert d.text == "Launch. A rocket lifting off at dawn. smoke plume"
    assert (d.title, d.tags, d.warnings) == ("Launch", ("rocket", "smoke plume"), ())


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "TIFF"])
def test_xmp_in_other_still_formats(tmp_path, fmt):
    media = tmp_path / f"still.{fmt.lower()}"
    if fmt == "PNG":
        from PIL import PngImagePlugin

        info = PngImagePlugin.PngInfo()
        info.add_itxt("XML:com.adobe.xmp", XMP.decode())
        _image().save(media, pnginfo=info)
    elif fmt == "TIFF":
        _image().save(media, tiffinfo={700: XMP})
    else:
        _image().save(media, xmp=XMP)
    d = describe_media(media)
    assert (d.source, d.title) == ("xmp", "Launch")


def test_iptc_caption_headline_keywords(tmp_path):
    media = tmp_path / "DSC01234.jpg"
    _jpeg_with_iptc(media, [(1, 90, b"\x1b%G"), (2, 5, b"object name"), (2, 105, "Départ".encode()),
                            (2, 120, "Une fusée au décollage".encode()), (2, 25, b"rocket"), (2, 25, b"launch")],
                    exif=_exif("from exif"))
    d = describe_media(media)
    assert d.source == "iptc"
    assert d.text == "Départ. Une fusée au décollage. rocket, launch"
    assert (d.title, d.tags) == ("Départ", ("rocket", "launch"))


def test_iptc_object_name_is_the_title_without_a_headline(tmp_path):
    media = tmp_path / "x.jpg"
    _jpeg_with_iptc(media, [(2, 5, b"Pad 39A"), (2, 120, b"The pad at night")])
    d = describe_media(media)
    assert (d.source, d.title, d.text) == ("iptc", "Pad 39A", "Pad 39A. The pad at night")


def test_exif_image_description(tmp_path):
    media = tmp_path / "IMG_20240101_1200.jpg"
    _image().save(media, exif=_exif("  A rocket on the pad  "))
    d = describe_media(media)
    assert (d.source, d.text, d.tags, d.title) == ("exif", "A rocket on the pad", (), None)


def test_camera_placeholder_description_is_not_words(tmp_path):
    media = tmp_path / "rocket_pad.jpg"
    _image().save(media, exif=_exif("OLYMPUS DIGITAL CAMERA"))
    assert (describe_media(media).source, describe_media(media).text) == ("filename", "rocket pad")


# --- the file name, and damaged files ---------------------------------------------------------------

@pytest.mark.parametrize("name, words", [
    ("rocket_launch-pad_0042.jpg", "rocket launch pad"),
    ("rocketLaunchPad.v2.png", "rocket launch pad"),
    ("NASALaunch2024Final.mp4", "nasa launch final"),
    ("IMG_20240101_120000.jpg", ""),
    ("Café über 4k.mov", "café über"),
])
def test_filename_words(name, words):
    assert filename_words(name) == words


def test_footage_uses_sidecars_then_the_name(tmp_path):
    media = tmp_path / "crowd_cheering.mp4"
    media.write_bytes(b"\x00" * 64)
    d = describe_media(media)
    assert (d.source, d.text, d.warnings) == ("filename", "crowd cheering", ())


@pytest.mark.parametrize("content", [
    b"",
    b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00garbage",  # truncated JPEG with a broken EXIF block
    b"this is not an image at all",
])
def test_damaged_still_never_raises(tmp_path, content):
    media = tmp_path / "rocket_launch.jpg"
    media.write_bytes(content)
    d = describe_media(media)
    assert (d.source, d.text) == ("filename", "rocket launch")


def test_broken_xmp_falls_through_to_exif_with_a_warning(tmp_path):
    media = tmp_path / "rocket.jpg"
    _image().save(media, xmp=b"<x:xmpmeta <<< not xml", exif=_exif("A rocket"))
    d = describe_media(media)
    assert (d.source, d.text) == ("exif", "A rocket")
    assert "XMP" in d.warnings[0] and str(media) in d.warnings[0]


def test_xml_entity_bomb_in_xmp_does_not_expand(tmp_path):
    media = tmp_path / "bomb.jpg"
    bomb = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
            b'<x:xmpmeta xmlns:x="adobe:ns:meta/">&b;</x:xmpmeta>')
    _image().save(media, xmp=bomb)
    d = describe_media(media)  # defusedxml refuses entities; we warn and move on
    assert d.source == "filename" and "XMP" in d.warnings[0]


def test_fifo_named_like_media_does_not_hang(tmp_path):
    media = tmp_path / "rocket.jpg"
    os.mkfifo(media)
    assert describe_media(media).text == "rocket"


def test_a_json_sidecar_words_each_shot_of_a_clip(tmp_path):
    clip = tmp_path / "reel.mp4"
    clip.write_bytes(b"")  # describing reads the sidecar alone
    (tmp_path / "reel.json").write_text(json.dumps({"description": "a reel", "shots": ["a  sunset", "a city"]}))
    assert describe_media(clip).shots == ("a sunset", "a city")
    (tmp_path / "reel.json").write_text(json.dumps({"description": "a reel", "shots": ["a sunset", 3]}))
    described = describe_media(clip)
    assert described.shots == () and described.text == "a reel"
    assert any('"shots" should be a list of descriptions' in w for w in described.warnings)
