"""BIO (IOB2), IOB (IOB1) and BILOU token-per-line files: sentences become text tasks,
exports are read by seqeval's strict schemes with the entities we hold, invalid tag
sequences are named by line, and token-aligned spans survive export → import."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from seqeval.metrics.sequence_labeling import get_entities
from seqeval.scheme import BILOU, IOB1, IOB2, Entities

from accord.core.errors import InputError
from accord.formats import conll, tagged
from accord.formats._tokens import TextBuilder, decode, tags_of
from accord.formats.base import Export, ExportItem, ReadContext
from accord.formats.binding import Binding
from accord.formats.source import open_source
from strategies import EXAMPLES, texts_with_free_spans
from tests.formats.support import NER_SCHEMA as SCHEMA
from tests.formats.support import Project, jsonl

SAMPLES = {
    "bio": b"Peter\tB-PER\nBlackburn\tI-PER\nvisited\tO\nNew\tB-LOC\nYork\tI-LOC\n\n"
           b"EU\tB-ORG\nand\tO\nUN\tB-ORG\nUS\tB-ORG\n\n",
    "iob": b"Peter\tI-PER\nBlackburn\tI-PER\nvisited\tO\nNew\tI-LOC\nYork\tI-LOC\n\n"
           b"EU\tI-ORG\nand\tO\nUN\tI-ORG\nUS\tB-ORG\n\n",
    "bilou": b"Peter\tB-PER\nBlackburn\tL-PER\nvisited\tO\nNew\tB-LOC\nYork\tL-LOC\n\n"
             b"EU\tU-ORG\nand\tO\nUN\tU-ORG\nUS\tU-ORG\n\n",
}
EXPECTED = [
    ("Peter Blackburn visited New York", [("PER", "Peter Blackburn"), ("LOC", "New York")]),
    ("EU and UN US", [("ORG", "EU"), ("ORG", "UN"), ("ORG", "US")]),
]
PEERS = {"bio": IOB2, "iob": IOB1, "bilou": BILOU}


def texts(record):
    text = record["data"]["text"]
    return [(r["value"]["class"], text[r["value"]["start"]:r["value"]["end"]])
            for r in record["annotations"][0]["regions"]]


@pytest.mark.parametrize("fmt", ["bio", "iob", "bilou"])
def test_each_sentence_becomes_a_task_and_the_export_is_the_file_again(tmp_path, fmt):
    with Project(tmp_path, SCHEMA) as project:
        report = project.import_bytes(SAMPLES[fmt], f"train.{fmt}", fmt)
        records = project.records()
        assert report["created"] == 2
        assert [(r["data"]["text"], texts(r)) for r in records] == EXPECTED
        assert records[0]["annotations"][0]["regions"][1]["value"] == {
            "class": "LOC", "start": 24, "end": 32}
        assert project.export_bytes(fmt) == SAMPLES[fmt]
        # the same regions, written in every other scheme
        for other in ("bio", "iob", "bilou"):
            assert project.export_bytes(other) == SAMPLES[other]


def sentences_of(data: bytes):
    blocks = [b for b in data.decode().split("\n\n") if b.strip()]
    return [[line.split("\t") for line in block.splitlines()] for block in blocks]


@pytest.mark.parametrize("fmt", ["bio", "iob", "bilou"])
def test_seqeval_strict_finds_the_entities_we_hold_in_our_export(tmp_path, fmt):
    with Project(tmp_path, SCHEMA) as project:
        project.import_bytes(SAMPLES["bio"], "train.bio", "bio")
        records = project.records()
        sentences = sentences_of(project.export_bytes(fmt))
    tags = [[tag for _, tag in sentence] for sentence in sentences]
    found = [[(e.tag, " ".join(t for t, _ in sentences[e.sent_id][e.start:e.end]))
              for e in sentence] for sentence in Entities(tags, PEERS[fmt]).entities]
    assert found == [texts(r) for r in records]
    if fmt == "bio":  # seqeval's default reading (IOB2, end inclusive) agrees
        assert [[(c, a, b + 1) for c, a, b in get_entities(t)] for t in tags] == [
            [(e.tag, e.start, e.end) for e in s] for s in Entities(tags, IOB2).entities]


@pytest.mark.parametrize(("fmt", "lines", "message"), [
    ("bio", b"a\tO\nb\tI-PER\n", r"line 2: tag 'I-PER': in IOB2 every entity starts with B-"),
    ("bio", b"a\tB-PER\nb\tI-LOC\n", r"line 2: tag 'I-LOC': .* I-LOC follows 'B-PER'"),
    ("iob", b"a\tO\nb\tB-PER\n", r"line 2: tag 'B-PER': in IOB1, B- only starts"),
    ("bilou", b"a\tO\nb\tL-PER\n", r"line 2: tag 'L-PER': in BILOU, L- continues an entity "
                                   "begun with B-PER; it follows no open entity"),
    ("bilou", b"a\tB-PER\nb\tI-PER\n", r"line 2: tag 'I-PER': a BILOU entity of type PER "
                                       "ends without L-"),
    ("bilou", b"a\tB-PER\nb\tU-LOC\n", r"line 2: tag 'U-LOC': the BILOU entity of type PER"),
    ("bilou", b"a\tB-PER\nb\tL-LOC\n", r"line 2: .*it follows an entity of another type"),
    ("bio", b"a\tB\n", r"line 1: tag 'B' is not O or B-TYPE, I-TYPE \(IOB2\)"),
    ("bio", b"a\tU-PER\n", r"line 1: tag 'U-PER' is not O"),
    ("bio", b"a\tO\nb c\tO\n", r"line 2: expected 2 columns \(a token and its tag\), got 3"),
    ("bio", b"a\n", r"line 1: expected 2 columns"),
])
def test_an_invalid_line_or_tag_sequence_is_named(fmt, lines, message):
    with pytest.raises(InputError, match=f"t.txt, {message}"):
        read_all(fmt, lines, "t.txt")


def test_after_an_invalid_tag_nothing_is_stored(tmp_path):
    with Project(tmp_path, SCHEMA) as project:
        with pytest.raises(InputError, match=r"t.txt, line 13: tag 'I-PER'"):
            project.import_bytes(SAMPLES["bio"] + b"x\tO\ny\tI-PER\n", "t.txt", "bio")
        assert project.task_count() == 0


def test_an_export_refuses_overlapping_spans_naming_the_task(tmp_path):
    schema = {**SCHEMA, "labels": [{**SCHEMA["labels"][0], "rules": {"allow_overlap": True}}]}
    regions = [{"id": "a", "label": "entities", "type": "span",
                "value": {"class": "ORG", "start": 0, "end": 9}},
               {"id": "b", "label": "entities", "type": "span",
                "value": {"class": "LOC", "start": 5, "end": 9}}]
    with Project(tmp_path, schema) as project:
        project.import_bytes(jsonl([{"data": {"text": "Bank York"},
                                     "annotations": [{"regions": regions}]}]),
                             "t.jsonl", "jsonl")
        with pytest.raises(InputError, match=r"task 1: the span 'LOC' 5–9 overlaps another span"):
            project.export_bytes("bio")


def read_all(fmt: str, data: bytes, name: str = "fuzz.txt"):
    read = next(f for f in tagged.FORMATS if f.name == fmt).read
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        with open_source(path) as source:
            return list(read(source, ReadContext(None, Binding(None))))


@EXAMPLES
@given(fmt=st.sampled_from(["bio", "iob", "bilou"]), data=st.one_of(
    st.binary(max_size=120),
    st.lists(st.sampled_from([b"a\tO", b"b\tB-PER", b"c\tI-PER", b"d\tL-PER", b"e\tU-LOC",
                              b"", b"f I-", b"g\tO\tx", b"\xe9\tO", b"h\tB-LOC"]),
             max_size=10).map(b"\n".join)))
def test_any_input_gives_tasks_or_an_input_error(fmt, data):
    try:
        found = read_all(fmt, data)
    except InputError as exc:
        assert exc.message.startswith("fuzz.txt")
    else:
        for _, record in found:
            text = record["data"]["text"]
            assert all(0 <= r["value"]["start"] < r["value"]["end"] <= len(text)
                       for r in record["annotations"][0]["regions"])


@st.composite
def tokens_and_spans(draw):
    """Sentences of tokens and non-overlapping spans over whole tokens, as characters."""
    sentences = draw(st.lists(st.lists(st.text("abcé1-.", min_size=1, max_size=4),
                                       min_size=1, max_size=8), min_size=1, max_size=3))
    builder = TextBuilder()
    for tokens in sentences:
        cuts = sorted(draw(st.sets(st.integers(0, len(tokens)), max_size=6)))
        pairs = [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]
        entities = [(draw(st.sampled_from(["PER", "LOC"])), a, b) for a, b in pairs
                    if draw(st.booleans())]  # neighbours of one class test IOB1's B-
        builder.add(tokens, entities)
    return builder.text(), builder.spans


@EXAMPLES
@given(case=tokens_and_spans(), scheme=st.sampled_from(["iob1", "iob2", "bilou"]))
def test_token_aligned_spans_survive_writing_and_reading_tags(case, scheme):
    text, spans = case
    values = [{"class": c, "start": a, "end": b} for c, a, b in spans]
    again = TextBuilder()
    for sentence in tags_of("task 1", text, values, scheme):
        entities = decode([token.tag for token in sentence], scheme, str)
        again.add([token.text for token in sentence], entities)
    assert again.text() == text and sorted(again.spans) == sorted(spans)


def test_a_class_with_whitespace_cannot_become_a_tag():
    with pytest.raises(InputError, match="task 3: the span 'New York' 0–1: a class with "
                                         "whitespace cannot be written as a tag"):
        tags_of("task 3", "a b", [{"class": "New York", "start": 0, "end": 1}], "iob2")


@EXAMPLES
@given(case=tokens_and_spans(), fmt=st.sampled_from(["bio", "iob", "bilou", "conll"]))
def test_token_aligned_spans_survive_a_written_file_and_its_reading(case, fmt):
    text, spans = case
    regions = [{"id": str(i), "label": "entities", "type": "span",
                "value": {"class": c, "start": a, "end": b}} for i, (c, a, b) in enumerate(spans)]
    item = ExportItem(task_id=1, data={"text": text}, media=None, width=None, height=None,
                      regions=regions)
    export = Export(schema=None, project_name="p", records=lambda: iter(()),
                    items=lambda: iter([item]), media_file=lambda key: None)
    module = conll if fmt == "conll" else next(f for f in tagged.FORMATS if f.name == fmt)
    data = b"".join(module.write(export))
    found = read_all(fmt, data) if fmt != "conll" else read_conll(data)
    units = [(r["data"]["text"], [tuple(x["value"].values()) for x in
                                  r["annotations"][0]["regions"]]) for _, r in found]
    if fmt == "conll":  # one document: the text and spans as they were
        assert units == [(text, spans)]
    else:  # a task per sentence: the text's lines, each with its own spans
        offsets = [0]
        for line in text.split("\n"):
            offsets.append(offsets[-1] + len(line) + 1)
        assert [u[0] for u in units] == text.split("\n")
        assert sorted((c, a + offsets[i], b + offsets[i]) for i, (_, found_spans) in
                      enumerate(units) for c, a, b in found_spans) == sorted(spans)


def read_conll(data: bytes):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.conll"
        path.write_bytes(data)
        with open_source(path) as source:
            return list(conll.read(source, ReadContext(None, Binding(None))))


@EXAMPLES
@given(case=texts_with_free_spans(), fmt=st.sampled_from(["bio", "iob", "bilou", "conll"]))
def test_spans_off_token_boundaries_split_tokens_and_come_back_the_same(case, fmt):
    """Every span that starts and ends on non-whitespace exports; the import gives the same
    spans (class and covered text, in order) in the text of the written tokens, and a second
    export writes the same file."""
    text, spans = case
    module = conll if fmt == "conll" else next(f for f in tagged.FORMATS if f.name == fmt)

    def write(data_text: str, values: list[tuple[str, int, int]]) -> bytes:
        regions = [{"id": str(i), "label": "entities", "type": "span",
                    "value": {"class": c, "start": a, "end": b}}
                   for i, (c, a, b) in enumerate(values)]
        item = ExportItem(task_id=1, data={"text": data_text}, media=None, width=None,
                          height=None, regions=regions)
        return b"".join(module.write(Export(schema=None, project_name="p",
                                            records=lambda: iter(()),
                                            items=lambda: iter([item]),
                                            media_file=lambda key: None)))

    if not text.split():
        return  # no tokens: nothing is written
    data = write(text, spans)
    found = read_all(fmt, data) if fmt != "conll" else read_conll(data)
    read_texts, read_spans = [], []
    for _, record in found:  # a task per sentence (one per document for CoNLL)
        offset = sum(len(t) + 1 for t in read_texts)
        read_texts.append(record["data"]["text"])
        read_spans += [(r["value"]["class"], offset + r["value"]["start"],
                        offset + r["value"]["end"]) for r in record["annotations"][0]["regions"]]
    joined = "\n".join(read_texts)
    assert len(read_spans) == len(spans)
    for (cls, start, end), (was_cls, was_start, was_end) in zip(read_spans, spans,
                                                                strict=True):
        covered, was = joined[start:end], text[was_start:was_end]
        assert cls == was_cls
        # the same characters; within a span, a run of spaces comes back as one
        assert covered == " ".join(was.split())
    assert joined.split() == [piece for line in data.decode().split("\n")
                              if line and not line.startswith("-DOCSTART-")
                              for piece in line.split()[:1]]
    assert write(joined, read_spans) == data


def test_punctuation_split_off_a_span_becomes_its_own_token(tmp_path):
    text = "Paris, the U.S.-based firm (Acme) said"
    regions = [{"id": str(i), "label": "entities", "type": "span",
                "value": {"class": c, "start": a, "end": b}}
               for i, (c, a, b) in enumerate([("LOC", 0, 5), ("LOC", 11, 15),
                                              ("ORG", 28, 32)])]
    with Project(tmp_path / "a", SCHEMA) as project:
        project.import_bytes(jsonl([{"data": {"text": text},
                                     "annotations": [{"regions": regions}]}]),
                             "t.jsonl", "jsonl")
        data = project.export_bytes("bio")
    assert data.decode() == ("Paris\tB-LOC\n,\tO\nthe\tO\nU.S.\tB-LOC\n-based\tO\nfirm\tO\n"
                             "(\tO\nAcme\tB-ORG\n)\tO\nsaid\tO\n\n")
    with Project(tmp_path / "b", SCHEMA) as again:
        again.import_bytes(data, "t.txt", "bio")
        (record,) = again.records()
        assert again.export_bytes("bio") == data
    assert record["data"]["text"] == "Paris , the U.S. -based firm ( Acme ) said"
    assert texts(record) == [("LOC", "Paris"), ("LOC", "U.S."), ("ORG", "Acme")]


def test_an_export_refuses_a_span_on_whitespace_naming_the_task(tmp_path):
    regions = [{"id": "a", "label": "entities", "type": "span",
                "value": {"class": "LOC", "start": 4, "end": 9}}]
    with Project(tmp_path, SCHEMA) as project:
        project.import_bytes(jsonl([{"data": {"text": "Bank York"},
                                     "annotations": [{"regions": regions}]}]),
                             "t.jsonl", "jsonl")
        with pytest.raises(InputError, match=r"task 1: the span 'LOC' 4–9 starts or ends on "
                                             "whitespace"):
            project.export_bytes("bilou")
