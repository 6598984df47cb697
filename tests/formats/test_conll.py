"""CoNLL-2003: documents become text tasks with span regions, exports read back the same in
our reader, nltk's ConllCorpusReader and seqeval, and bad lines are named."""

from __future__ import annotations

import tempfile
from pathlib import Path

import nltk.data
import pytest
from hypothesis import given
from hypothesis import strategies as st
from nltk.corpus.reader import ConllCorpusReader
from seqeval.scheme import IOB1, IOB2, Entities

from accord.core.errors import InputError
from accord.formats import conll
from accord.formats.base import ImportOptions, ReadContext
from accord.formats.binding import Binding
from accord.formats.source import open_source
from strategies import EXAMPLES
from tests.formats.support import NER_SCHEMA as SCHEMA
from tests.formats.support import Project, jsonl

# the opening of CoNLL-2003's eng.train, in its original IOB1 tags
IOB1_SAMPLE = b"""\
-DOCSTART- -X- -X- O

EU NNP I-NP I-ORG
rejects VBZ I-VP O
German JJ I-NP I-MISC
call NN I-NP O
to TO I-VP O
boycott VB I-VP O
British JJ I-NP I-MISC
lamb NN I-NP O
. . O O

Peter NNP I-NP I-PER
Blackburn NNP I-NP I-PER

-DOCSTART- -X- -X- O

BRUSSELS NNP I-NP I-LOC
1996-08-22 CD I-NP O

"""
IOB2_SAMPLE = (IOB1_SAMPLE.replace(b"I-ORG", b"B-ORG").replace(b"I-MISC", b"B-MISC")
               .replace(b"Peter NNP I-NP I-PER", b"Peter NNP I-NP B-PER")
               .replace(b"I-LOC", b"B-LOC"))
DOC1 = "EU rejects German call to boycott British lamb .\nPeter Blackburn"


def spans(record):
    return [(r["value"]["class"], r["value"]["start"], r["value"]["end"])
            for r in record["annotations"][0]["regions"]]


def texts(record):
    text = record["data"]["text"]
    return [(cls, text[a:b]) for cls, a, b in spans(record)]


@pytest.mark.parametrize(("sample", "scheme"), [(IOB1_SAMPLE, "iob1"), (IOB2_SAMPLE, "iob2")])
def test_each_document_becomes_a_task_with_its_entities_as_spans(tmp_path, sample, scheme):
    with Project(tmp_path, SCHEMA) as project:
        report = project.import_bytes(sample, "eng.train", "conll",
                                      {"settings": {"scheme": scheme}})
        first, second = project.records()
    assert report["created"] == 2
    assert first["data"]["text"] == DOC1
    assert spans(first) == [("ORG", 0, 2), ("MISC", 11, 17), ("MISC", 34, 41),
                            ("PER", 49, 64)]
    assert texts(first)[3] == ("PER", "Peter Blackburn")
    assert first["data"]["conll_columns"][0] == "NNP VBZ JJ NN TO VB JJ NN .\nNNP NNP"
    assert second["data"]["text"] == "BRUSSELS 1996-08-22" and texts(second) == [
        ("LOC", "BRUSSELS")]


def test_unit_sentence_makes_a_task_of_every_sentence(tmp_path):
    with Project(tmp_path, SCHEMA) as project:
        project.import_bytes(IOB1_SAMPLE, "eng.train", "conll", {"settings": {"unit": "sentence"}})
        found = [(r["data"]["text"], texts(r)) for r in project.records()]
    assert found == [
        ("EU rejects German call to boycott British lamb .",
         [("ORG", "EU"), ("MISC", "German"), ("MISC", "British")]),
        ("Peter Blackburn", [("PER", "Peter Blackburn")]),
        ("BRUSSELS 1996-08-22", [("LOC", "BRUSSELS")])]


def test_an_export_of_an_imported_file_gives_back_the_same_bytes(tmp_path):
    with Project(tmp_path, SCHEMA) as project:
        project.import_bytes(IOB1_SAMPLE, "eng.train", "conll")
        assert project.export_bytes("conll") == IOB1_SAMPLE
        assert project.export_bytes("conll", {"settings": {"scheme": "iob2"}}) == IOB2_SAMPLE


def test_adjacent_entities_of_one_type_are_split_by_b_in_iob1(tmp_path):
    sample = b"-DOCSTART- -X- -X- O\n\nA x x I-PER\nB x x I-PER\nC x x B-PER\nD x x O\n\n"
    with Project(tmp_path, SCHEMA) as project:
        project.import_bytes(sample, "a.conll", "conll")
        (record,) = project.records()
        assert texts(record) == [("PER", "A B"), ("PER", "C")]
        assert project.export_bytes("conll") == sample


def held_entities(record):
    """Our spans as (class, first token, end token) per sentence, as seqeval counts them."""
    out = []
    text = record["data"]["text"]
    offset = 0
    for s, line in enumerate(text.split("\n")):
        starts = {offset + i: n for n, i in enumerate(_token_starts(line))}
        for cls, a, b in spans(record):
            if a in starts:
                out.append((s, cls, starts[a], starts[a] + len(text[a:b].split())))
        offset += len(line) + 1
    return sorted(out)


def _token_starts(line):
    position, found = 0, []
    for token in line.split(" "):
        found.append(position)
        position += len(token) + 1
    return found


def test_nltk_and_seqeval_read_our_export_with_the_same_entities(tmp_path, monkeypatch):
    # nltk reads corpora only below its data path (its path sandbox)
    monkeypatch.setattr(nltk.data, "path", [*nltk.data.path, str(tmp_path)])
    with Project(tmp_path, SCHEMA) as project:
        project.import_bytes(IOB2_SAMPLE, "eng.train", "conll", {"settings": {"scheme": "iob2"}})
        records = project.records()
        for scheme, seqeval_scheme in (("iob1", IOB1), ("iob2", IOB2)):
            project.export_to(tmp_path / f"{scheme}.conll", "conll",
                              {"settings": {"scheme": scheme}})
            reader = ConllCorpusReader(str(tmp_path), f"{scheme}.conll",
                                       ("words", "pos", "ignore", "chunk"))
            sentences = [s for s in reader.iob_sents() if s and s[0][0] != "-DOCSTART-"]
            assert [w for w, _, _ in sentences[0]][:3] == ["EU", "rejects", "German"]
            assert [p for _, p, _ in sentences[0]][:3] == ["NNP", "VBZ", "JJ"]
            tags = [[t for _, _, t in s] for s in sentences]
            found = sorted((e.sent_id, e.tag, e.start, e.end)
                           for sentence in Entities(tags, seqeval_scheme).entities
                           for e in sentence)
            held = [(s + offset, *rest) for offset, record in zip((0, 2), records, strict=True)
                    for s, *rest in held_entities(record)]
            assert found == sorted(held) and len(found) == 5


@pytest.mark.parametrize(("sample", "message"), [
    (b"EU NNP I-NP I-ORG\nrejects VBZ O\n", r"eng.train, line 4: expected 4 columns"),
    (b"EU NNP I-NP I-ORG\n\nPeter NNP I-NP B-PER\n", r"eng.train, line 5: tag 'B-PER': in "
                                                      "IOB1, B- only starts an entity"),
    (b"EU NNP I-NP I-\n", r"eng.train, line 3: tag 'I-' is not O or B-TYPE, I-TYPE"),
    (b"EU NNP I-NP X-ORG\n", r"eng.train, line 3: tag 'X-ORG' is not O"),
    (b"EU NNP I-NP I-ORG\n\xff x x O\n", r"eng.train, line 4: not UTF-8"),
])
def test_a_bad_line_is_named(sample, message):
    with pytest.raises(InputError, match=message):
        read_all(b"-DOCSTART- -X- -X- O\n\n" + sample, name="eng.train")


def test_after_a_bad_line_nothing_is_stored(tmp_path):
    with Project(tmp_path, SCHEMA) as project:
        with pytest.raises(InputError, match=r"eng.train, line 23: label 'entities' has no class 'FOOD'"):
            project.import_bytes(IOB1_SAMPLE + b"\n\nrice NN I-NP I-FOOD\n", "eng.train",
                                 "conll")
        with pytest.raises(InputError, match=r"eng.train, line 21: expected 4 columns"):
            project.import_bytes(IOB1_SAMPLE + b"x O\n", "eng.train", "conll")
        assert project.task_count() == 0


def test_iob2_refuses_an_entity_that_starts_with_i(tmp_path):
    with Project(tmp_path, SCHEMA) as project:
        with pytest.raises(InputError, match=r"a.conll, line 2: tag 'I-PER': in IOB2 every "
                                             r"entity starts with B-; I-PER follows 'O'"):
            project.import_bytes(b"x x x O\ny x x I-PER\n", "a.conll", "conll",
                                 {"settings": {"scheme": "iob2"}})
        assert project.task_count() == 0


def test_the_tag_column_may_be_chosen(tmp_path):
    with Project(tmp_path, SCHEMA) as project:
        project.import_bytes(b"Peter I-PER NNP\nsaid O VBD\n", "a.conll", "conll",
                             {"settings": {"column": "2"}})
        (record,) = project.records()
        assert texts(record) == [("PER", "Peter")]
        assert record["data"]["conll_columns"] == ["NNP VBD"]
        with pytest.raises(InputError, match="setting 'column' is '5': expected last or a "
                                             "column number from 2 to 3"):
            project.import_bytes(b"x I-PER NNP\n", "b.conll", "conll",
                                 {"settings": {"column": "5"}})


def task(text, *values, data=None):
    regions = [{"id": str(i), "label": "entities", "type": "span",
                "value": {"class": c, "start": a, "end": b}} for i, (c, a, b) in
               enumerate(values, start=1)]
    return {"data": {"text": text, **(data or {})}, "annotations": [{"regions": regions}]}


def test_a_task_without_columns_gets_placeholders_and_reads_back_the_same(tmp_path):
    with Project(tmp_path, SCHEMA) as project:
        project.import_bytes(jsonl([task("Ann met  Bob\nin Rome", ("PER", 0, 3), ("PER", 9, 12),
                                         ("LOC", 16, 20))]), "t.jsonl", "jsonl")
        data = project.export_bytes("conll")
    assert data.decode().splitlines()[:4] == ["-DOCSTART- -X- -X- O", "", "Ann -X- -X- I-PER",
                                              "met -X- -X- O"]
    with Project(tmp_path / "again", SCHEMA) as again:
        again.import_bytes(data, "a.conll", "conll")
        (record,) = again.records()
    # whitespace runs become single spaces; the spans keep their tokens
    assert record["data"] == {"text": "Ann met Bob\nin Rome"}
    assert texts(record) == [("PER", "Ann"), ("PER", "Bob"), ("LOC", "Rome")]


@pytest.mark.parametrize(("values", "message"), [
    ([("PER", 3, 7)], r"task \d+: the span 'PER' 3–7 starts or ends on whitespace"),
    ([("PER", 0, 4)], r"task \d+: the span 'PER' 0–4 starts or ends on whitespace"),
    ([("PER", 0, 7), ("PER", 4, 7)], r"task \d+: the span 'PER' 4–7 overlaps another span"),
    ([("PER", 4, 11)], r"the span 'PER' 4–11 crosses a line break"),
])
def test_an_export_refuses_spans_tags_cannot_hold_naming_the_task(tmp_path, values, message):
    schema = {**SCHEMA, "labels": [{**SCHEMA["labels"][0], "rules": {"allow_overlap": True}}]}
    with Project(tmp_path, schema) as project:
        project.import_bytes(jsonl([task("Ann met\nBob", *values)]), "t.jsonl", "jsonl")
        with pytest.raises(InputError, match=message):
            project.export_bytes("conll")


def read_all(data: bytes, settings=None, name="fuzz.conll"):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        context = ReadContext(None, Binding(None), ImportOptions(settings=settings or {}))
        with open_source(path) as source:
            return list(conll.read(source, context))


def mutations():
    lines = IOB1_SAMPLE.split(b"\n")
    return st.one_of(
        st.binary(max_size=200),
        st.lists(st.sampled_from(lines + [b"I-PER", b"x B-", b"x x x U-LOC", b"\t"]),
                 max_size=12).map(b"\n".join),
        st.integers(0, len(IOB1_SAMPLE)).map(lambda n: IOB1_SAMPLE[:n]),
    )


@EXAMPLES
@given(data=mutations(), scheme=st.sampled_from(["iob1", "iob2", "bilou"]))
def test_any_input_gives_tasks_or_an_input_error(data, scheme):
    try:
        found = read_all(data, {"scheme": scheme})
    except InputError as exc:
        assert exc.message.startswith("fuzz.conll")
    else:
        for _, record in found:
            text = record["data"]["text"]
            for region in record["annotations"][0]["regions"]:
                value = region["value"]
                assert 0 <= value["start"] < value["end"] <= len(text)


def test_an_export_refuses_stored_columns_that_no_longer_fit_the_text(tmp_path):
    with Project(tmp_path, SCHEMA) as project:
        project.import_bytes(jsonl([task("Ann met Bob", data={"conll_columns": ["NNP VBD"]})]),
                             "t.jsonl", "jsonl")
        with pytest.raises(InputError, match=r"task 1: data\['conll_columns'\] does not hold "
                                             "one value per token"):
            project.export_bytes("conll")


def test_a_split_token_keeps_its_columns_on_its_first_piece(tmp_path):
    """A span snapped inside a stored token (`U.S.` of `U.S.-based`, `Acme` of `(Acme)`)
    splits it; the token's POS goes with its first piece, `-X-` with the rest, and the
    file reads back and writes again byte for byte."""
    text = "Paris, the U.S.-based firm (Acme) said"
    record = task(text, ("LOC", 0, 5), ("LOC", 11, 15), ("ORG", 28, 32),
                  data={"conll_columns": ["NNP DT JJ NN NNP VBD", "I-NP I-NP I-NP I-NP "
                                                                  "I-NP I-VP"]})
    with Project(tmp_path / "a", SCHEMA) as project:
        project.import_bytes(jsonl([record]), "t.jsonl", "jsonl")
        data = project.export_bytes("conll")
    assert data.decode().splitlines()[2:8] == [
        "Paris NNP I-NP I-LOC", ", -X- -X- O", "the DT I-NP O", "U.S. JJ I-NP I-LOC",
        "-based -X- -X- O", "firm NN I-NP O"]
    with Project(tmp_path / "b", SCHEMA) as again:
        again.import_bytes(data, "a.conll", "conll")
        (back,) = again.records()
        assert again.export_bytes("conll") == data
    assert back["data"]["text"] == "Paris , the U.S. -based firm ( Acme ) said"
    assert back["data"]["conll_columns"][0] == "NNP -X- DT JJ -X- NN NNP -X- -X- VBD"
    assert texts(back) == [("LOC", "Paris"), ("LOC", "U.S."), ("ORG", "Acme")]
