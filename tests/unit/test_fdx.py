"""Final Draft (.fdx) reading and writing: round trip, Final Draft's own output, and refusals."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from filmmaker.errors import ScreenplayError
from filmmaker.script.elements import KINDS, Element, Script
from filmmaker.script.fdx import parse_fdx, write_fdx

PATH = Path("script.fdx")

TITLE_PAGE = (("Title", "THE LONG\nNIGHT"), ("Credit", "Written by"), ("Author", "Ana & Bo <Smith>"),
              ("Source", "Based on the novel by C"), ("Draft date", "Draft 2: 1 May 2024"),
              ("Contact", "ana@example.com\n555 \"quoted\" street"), ("Copyright", "(c) 2024"),
              ("Notes", "Not for sale"), ("Revision", "Blue"))

EVERY_KIND = (
    Element("section", "Act One", level=1),
    Element("synopsis", "Mara comes home."),
    Element("heading", "INT. HOUSE - NIGHT", number="12A"),
    Element("action", "Rain on the glass.\nA door opens: <slowly> & quietly."),
    Element("character", "MARA", extension="(V.O.)"),
    Element("parenthetical", "(softly)"),
    Element("dialogue", "You came back.\nAfter all this."),
    Element("note", "tighten this line"),
    Element("character", "JON", extension="(O.S.) (CONT'D)", dual=True),
    Element("dialogue", "I never left."),
    Element("page_break", ""),
    Element("section", "Act Two", level=2),
    Element("heading", "EXT. YARD - DAY"),
    Element("character", "CHOIR"),
    Element("lyric", "Oh night, oh long night"),
    Element("transition", "CUT TO:"),
    Element("note", "Synopsis: a note that only looks like a synopsis"),
    Element("centered", "THE END"),
    Element("page_break", ""),
)


def refused(data: bytes) -> ScreenplayError:
    start = time.perf_counter()
    with pytest.raises(ScreenplayError) as caught:
        parse_fdx(data, PATH)
    assert time.perf_counter() - start < 1.0
    return caught.value


def test_every_kind_round_trips():
    assert {e.kind for e in EVERY_KIND} == set(KINDS)
    script = Script(PATH, TITLE_PAGE, EVERY_KIND)
    text = write_fdx(script)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n'
                           '<FinalDraft DocumentType="Script" Template="No" Version="5">')
    back = parse_fdx(text.encode(), PATH)
    assert back.title_page == TITLE_PAGE
    assert back.elements == EVERY_KIND
    assert '<Paragraph Type="Action" Alignment="Center">' in text and "<DualDialogue>" in text
    assert write_fdx(back) == text


def test_awkward_sequences_round_trip():
    # a dual cue with no speech before it, dual after dual, notes and page breaks at the edges, empty values
    elements = (
        Element("note", "first"), Element("page_break", ""), Element("page_break", ""),
        Element("character", "A", dual=True), Element("dialogue", "one"),
        Element("character", "B", dual=True), Element("page_break", ""), Element("note", "\\Section 3: x"),
        Element("dialogue", "two"), Element("section", "", level=0), Element("action", "after"),
        Element("character", "C"), Element("note", ""), Element("dialogue", "three"),
        Element("character", "D", dual=True), Element("lyric", "four"), Element("page_break", ""),
    )
    script = Script(PATH, (("Title", ""), ("Weird key", "v")), elements)
    back = parse_fdx(write_fdx(script).encode(), PATH)
    assert back.elements == elements and back.title_page == script.title_page


def test_random_scripts_round_trip():
    rng = random.Random(7)
    words = ["Go.", "a < b", "x & y", "line\ntwo", "(V.O.)", "Section 1: s", "#", "\u00e9t\u00e9 \U0001f3ac"]
    loose = ["note", "section", "synopsis", "page_break"]
    for _ in range(200):
        out: list[Element] = []
        for _ in range(rng.randint(0, 12)):
            roll = rng.random()
            if roll < 0.4:  # a speech, loose elements may fall inside it
                out.append(Element("character", rng.choice(["MARA", "JON"]), dual=rng.random() < 0.4,
                                   extension=rng.choice([None, "(V.O.)", "(O.S.) (CONT'D)"])))
                for kind in ["parenthetical"] * rng.randint(0, 1) + [rng.choice(["dialogue", "lyric"])]:
                    if rng.random() < 0.3:
                        extra = rng.choice(loose)
                        out.append(Element(extra, "" if extra == "page_break" else rng.choice(words)))
                    out.append(Element(kind, "(aside)" if kind == "parenthetical" else rng.choice(words)))
            else:
                kind = rng.choice(["heading", "action", "transition", "centered", "lyric", "dialogue"] + loose)
                text = "" if kind == "page_break" else rng.choice(words)
                out.append(Element(kind, text, number=rng.choice([None, "4B"]) if kind == "heading" else None,
                                   level=rng.randint(0, 3) if kind == "section" else 0))
        script = Script(PATH, tuple((rng.choice(["Title", "Contact", "Notes"]), rng.choice(words))
                                    for _ in range(rng.randint(0, 3))), tuple(out))
        back = parse_fdx(write_fdx(script).encode(), PATH)
        assert back.elements == script.elements and back.title_page == script.title_page


FINAL_DRAFT = """<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<FinalDraft DocumentType="Script" Template="No" Version="5">

  <Content>
    <Paragraph Number="1" Type="Scene Heading">
      <SceneProperties Length="1/8" Page="1" Title=""/>
      <Text>INT. KITCHEN - </Text>
      <Text Style="Bold+Underline">NIGHT</Text>
    </Paragraph>
    <Paragraph Type="Action">
      <ScriptNote Color="#FFFFFFFF0000" ID="1" Writer="ana">
        <Paragraph><Text>Is this too long?</Text></Paragraph>
      </ScriptNote>
      <Text>Mara </Text><Text Style="Italic">waits</Text><Text>.
The kettle sings.   </Text>
    </Paragraph>
    <Paragraph Type="Action"><Text>   </Text></Paragraph>
    <Paragraph Type="Shot"><Text>CLOSE ON the kettle</Text></Paragraph>
    <Paragraph>
      <DualDialogue>
        <Paragraph Type="Character"><Text>MARA (V.O.)</Text></Paragraph>
        <Paragraph Type="Parenthetical"><Text>whispering</Text></Paragraph>
        <Paragraph Type="Dialogue"><Text>Now.</Text></Paragraph>
        <Paragraph Type="Character"><Text>JON</Text></Paragraph>
        <Paragraph Type="Dialogue"><Text>Not yet.</Text></Paragraph>
      </DualDialogue>
    </Paragraph>
    <Paragraph Type="Lyrics"><Text>Hush now</Text></Paragraph>
    <Paragraph Number="2A" Type="Scene Heading" StartsNewPage="Yes"><Text>EXT. ROAD - DAY</Text></Paragraph>
    <Paragraph Type="New Act"><Text>ACT TWO</Text></Paragraph>
    <Paragraph Alignment="Center" Type="General"><Text>THE END</Text></Paragraph>
    <Paragraph Type="Transition"><Text>FADE OUT.</Text></Paragraph>
  </Content>

  <TitlePage>
    <Content>
      <Paragraph Alignment="Center"><Text Style="Underline">The Kettle</Text></Paragraph>
      <Paragraph Alignment="Center"><Text></Text></Paragraph>
      <Paragraph Alignment="Center"><Text>Written by</Text></Paragraph>
      <Paragraph Alignment="Center"><Text>Ana Smith</Text></Paragraph>
      <Paragraph Alignment="Left"><Text>Draft: 3 March 2024</Text></Paragraph>
      <Paragraph Alignment="Left"><Text>ana@example.com</Text></Paragraph>
      <Paragraph Alignment="Left"><Text>+1 555 0100</Text></Paragraph>
    </Content>
  </TitlePage>

</FinalDraft>
"""


def test_reads_final_drafts_own_output():
    script = parse_fdx(FINAL_DRAFT.encode(), PATH)
    assert script.elements == (
        Element("heading", "INT. KITCHEN - NIGHT", number="1"),
        Element("action", "Mara waits.\nThe kettle sings."),
        Element("note", "Is this too long?"),
        Element("action", "CLOSE ON the kettle"),
        Element("character", "MARA", extension="(V.O.)"),
        Element("parenthetical", "(whispering)"),
        Element("dialogue", "Now."),
        Element("character", "JON", dual=True),
        Element("dialogue", "Not yet."),
        Element("lyric", "Hush now"),
        Element("page_break", ""),
        Element("heading", "EXT. ROAD - DAY", number="2A"),
        Element("action", "ACT TWO"),
        Element("centered", "THE END"),
        Element("transition", "FADE OUT."),
    )
    assert script.title_page == (("Title", "The Kettle"), ("Credit", "Written by"), ("Author", "Ana Smith"),
                                 ("Draft date", "Draft: 3 March 2024"), ("Contact", "ana@example.com\n+1 555 0100"))


def test_positions_are_the_paragraph_start_tags():
    script = parse_fdx(FINAL_DRAFT.encode(), PATH)
    pos = {e.text: e.pos for e in script.elements}
    assert pos["INT. KITCHEN - NIGHT"] == (5, 5)
    assert pos["Mara waits.\nThe kettle sings."] == (10, 5)
    assert pos["Is this too long?"] == (11, 7)
    assert pos["JON"] == (24, 9)
    assert [e.pos for e in script.elements if e.kind == "page_break"] == [(29, 5)]


def test_document_level_notes_are_read_where_they_appear():
    data = (b'<FinalDraft Version="5"><Content><Paragraph Type="Action"><Text>Go.</Text></Paragraph></Content>'
            b'<ScriptNotes><ScriptNote Range="0,3"><Paragraph><Text>n1</Text></Paragraph>'
            b'<Paragraph><Text>more</Text></Paragraph></ScriptNote></ScriptNotes></FinalDraft>')
    assert parse_fdx(data, PATH).elements == (Element("action", "Go."), Element("note", "n1\nmore"))
    data = (b'<FinalDraft><Content><ScriptNote><Paragraph><Text>first</Text></Paragraph></ScriptNote>'
            b'<Paragraph Type="Action"><Text>Go.</Text></Paragraph></Content></FinalDraft>')
    assert parse_fdx(data, PATH).elements == (Element("note", "first"), Element("action", "Go."))


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE FinalDraft [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
""" + b"".join(b' <!ENTITY %c "%s">\n' % (98 + i, (b"&%c;" % (97 + i)) * 10) for i in range(20)) + b"""]>
<FinalDraft><Content><Paragraph Type="Action"><Text>&u;</Text></Paragraph></Content></FinalDraft>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE FinalDraft [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<FinalDraft><Content><Paragraph Type="Action"><Text>&x;</Text></Paragraph></Content></FinalDraft>
"""


EXTERNAL_DTD = b'<?xml version="1.0"?>\n<!DOCTYPE FinalDraft SYSTEM "http://example.com/x.dtd">\n<FinalDraft/>'


@pytest.mark.parametrize("data", [BOMB, XXE, EXTERNAL_DTD], ids=["billion-laughs", "xxe", "external-dtd"])
def test_dtds_and_entities_are_refused(data):
    (problem,) = refused(data).problems
    assert (problem.file, problem.line, problem.col) == (PATH, 2, 1)
    assert "declares a DTD (<!DOCTYPE ...>); Final Draft never writes one" in problem.message
    assert "re-export the script from Final Draft" in problem.message
    assert "passwd" not in str(problem) and "root:" not in str(problem)


def test_undeclared_entity_is_not_well_formed():
    data = b"<FinalDraft>\n<Content><Paragraph><Text>&x;</Text></Paragraph></Content></FinalDraft>"
    (problem,) = refused(data).problems
    assert (problem.line, problem.col) == (2, 27) and "undefined entity" in problem.message


def test_malformed_xml_gives_the_parsers_line_and_column():
    data = b'<?xml version="1.0"?>\n<FinalDraft>\n  <Content>\n    <Paragraph Type="Action"><Text>a</Txt>\n'
    (problem,) = refused(data).problems
    assert (problem.line, problem.col) == (4, 39)
    assert problem.message.startswith("not well-formed XML (mismatched tag)")
    assert (refused(b"").problems[0].line, refused(b"").problems[0].col) == (1, 1)


def test_a_foreign_root_is_not_a_final_draft_file():
    (problem,) = refused(b'<?xml version="1.0"?>\n\n  <html><body>hi</body></html>').problems
    assert (problem.line, problem.col, problem.field) == (3, 3, "html")
    assert "not a Final Draft file: its root is <html>, not <FinalDraft>" in problem.message


def test_a_cue_with_no_dialogue_is_refused_at_the_cue():
    data = b"""<FinalDraft><Content>
    <Paragraph Type="Character"><Text>MARA</Text></Paragraph>
    <Paragraph Type="Parenthetical"><Text>(beat)</Text></Paragraph>
    <Paragraph Type="Action"><Text>She leaves.</Text></Paragraph>
    <Paragraph Type="Character"><Text>JON</Text></Paragraph>
    <Paragraph Type="Dialogue"><Text>Fine.</Text></Paragraph>
    <Paragraph Type="Character"><Text>JON (O.S.)</Text></Paragraph>
</Content></FinalDraft>"""
    problems = refused(data).problems
    assert [(p.line, p.col, p.field) for p in problems] == [(2, 5, "character"), (7, 5, "character")]
    assert all(p.message.endswith("a character cue with no dialogue; add the line or make it action")
               for p in problems)


def test_an_oversized_file_is_refused_before_parsing():
    (problem,) = refused(b"<FinalDraft>" + b" " * 5_000_001 + b"</FinalDraft>").problems
    assert "over the 5,000,000" in problem.message


def test_a_title_page_without_our_keys_is_guessed():
    # what Final Draft may give back after re-saving our file: the same paragraphs, no FountainKey
    text = write_fdx(Script(PATH, TITLE_PAGE, ())).replace(" FountainKey=", " Other=")
    assert parse_fdx(text.encode(), PATH).title_page == (
        ("Title", "THE LONG\nNIGHT"), ("Credit", "Written by"), ("Author", "Ana & Bo <Smith>"),
        ("Source", "Based on the novel by C"), ("Draft date", "Draft 2: 1 May 2024"), ("Copyright", "(c) 2024"),
        ("Contact", 'ana@example.com\n555 "quoted" street\nNot for sale\nBlue'))
