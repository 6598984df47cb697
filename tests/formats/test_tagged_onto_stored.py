"""CoNLL, BIO, IOB and BILOU labels onto tasks that already hold their text: the tokens are
found in the stored text, whatever separated them there (line breaks, runs of spaces, no
space before punctuation), so predictions and gold land on its characters; a token that is
not there is named by file, line and token, and nothing of the import is stored."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.core.errors import InputError
from accord.formats import conll, tagged
from accord.formats._tokens import align
from accord.formats.base import ONTO_TASK, Export, ExportItem, ImportOptions, ReadContext
from accord.formats.binding import Binding
from accord.formats.source import open_source
from strategies import EXAMPLES, texts_with_free_spans
from tests.formats.support import NER_SCHEMA as SCHEMA
from tests.formats.support import Project, jsonl

TAGGED = {f.name: f for f in tagged.FORMATS}

# a text as a user stored it: a paragraph break, two spaces, punctuation against words
TEXT = "EU rejects German call.\n\nPeter  Blackburn (Leeds) said:\tno."
SPANS = [("ORG", 0, 2), ("MISC", 11, 17), ("PER", 25, 41), ("LOC", 43, 48)]
CONLL = b"""\
-DOCSTART- -X- -X- O

EU NNP I-NP B-ORG
rejects VBZ I-VP O
German JJ I-NP B-MISC
call NN I-NP O
. . O O

Peter NNP I-NP B-PER
Blackburn NNP I-NP I-PER
( ( O O
Leeds NNP I-NP B-LOC
) ) O O
said VBD I-VP O
: : O O
no DT I-NP O
. . O O

"""


def written(module, text: str, spans: list[tuple[str, int, int]]) -> bytes:
    """What our writer makes of a task holding `text` and `spans`."""
    regions = [{"id": str(i), "label": "entities", "type": "span",
                "value": {"class": c, "start": a, "end": b}} for i, (c, a, b) in enumerate(spans)]
    item = ExportItem(task_id=1, data={"text": text}, media=None, width=None, height=None,
                      regions=regions)
    return b"".join(module.write(Export(schema=None, project_name="p", records=lambda: iter(()),
                                        items=lambda: iter([item]),
                                        media_file=lambda key: None)))


def read(module, data: bytes, stored: dict[int, str], settings=None):
    """The reader's records with `stored` ({task id: text}) as the project's texts."""
    by_letters = {"".join(text.split()): (task, text) for task, text in stored.items()}
    context = ReadContext(None, Binding(None), ImportOptions(settings=settings or {}),
                          stored_text=by_letters.get)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "labels.conll"
        path.write_bytes(data)
        with open_source(path) as source:
            return list(module.read(source, context))


def spans_of(record):
    return [(r["value"]["class"], r["value"]["start"], r["value"]["end"])
            for r in record["annotations"][0]["regions"]]


def test_conll_tokens_land_on_the_characters_of_the_stored_text():
    [(where, record)] = read(conll, CONLL, {7: TEXT, 8: "something else"},
                             {"scheme": "iob2"})
    assert (where, record[ONTO_TASK], record["data"]) == ("labels.conll, line 3", 7,
                                                          {"text": TEXT})
    assert spans_of(record) == SPANS
    assert [TEXT[a:b] for _, a, b in SPANS] == ["EU", "German", "Peter  Blackburn", "Leeds"]


def test_without_a_stored_text_the_text_is_rebuilt_with_sentences_on_their_lines():
    [(_, record)] = read(conll, CONLL, {}, {"scheme": "iob2"})
    assert ONTO_TASK not in record
    assert record["data"]["text"] == ("EU rejects German call .\n"
                                      "Peter Blackburn ( Leeds ) said : no .")


def test_a_text_that_differs_beyond_whitespace_is_not_the_tasks():
    other = "EU rejects German call!\n\nPeter Blackburn (Leeds) said: no."
    [(_, record)] = read(conll, CONLL, {7: other}, {"scheme": "iob2"})
    assert ONTO_TASK not in record


def test_a_token_not_found_in_order_is_named_by_file_line_and_token():
    """Tokens are matched to a task by its text without whitespace, so they are always
    found; the aligner still refuses, by name, a token that is not where it should be."""
    with pytest.raises(InputError, match=r"^labels.conll, line 9: token 'Blakburn' is not in "
                                         r"the task's text where the tokens before it end: at "
                                         r"character 7 the text reads 'Blackburn'"):
        align("Peter  Blackburn", ["Peter", "Blakburn"], 0,
              lambda i: f"labels.conll, line {8 + i}")
    with pytest.raises(InputError, match=r"^f, line 2: token 'x' is past the end"):
        align("ab", ["ab", "x"], 0, lambda i: f"f, line {i + 1}")


def test_bio_sentences_land_on_their_stored_sentence_tasks():
    data = written(TAGGED["bio"], "Paris, 1999", [("LOC", 0, 5)])
    assert data == b"Paris\tB-LOC\n,\tO\n1999\tO\n\n"
    [(_, record)] = read(TAGGED["bio"], data, {3: "Paris,   1999"})
    assert (record[ONTO_TASK], record["data"]["text"], spans_of(record)) == (
        3, "Paris,   1999", [("LOC", 0, 5)])


@EXAMPLES
@given(case=texts_with_free_spans("ab,.(é) \n\t", 40), fmt=st.sampled_from(["conll", "bio", "iob", "bilou"]))
def test_an_export_read_onto_its_stored_tasks_gives_their_text_and_offsets_exactly(case, fmt):
    """Export → import onto the tasks that hold the text is exact, whatever whitespace is
    between the tokens (none, runs, tabs, line breaks, blank lines): the same text, the same
    offsets, for CoNLL's one document and for BIO/IOB/BILOU's tasks of one line each."""
    text, spans = case
    module = conll if fmt == "conll" else TAGGED[fmt]
    if fmt == "conll":
        units = [(text, spans)]
    else:  # a stored task per line, each with its own spans
        units, offset = [], 0
        for line in text.split("\n"):
            units.append((line, [(c, a - offset, b - offset) for c, a, b in spans
                                 if offset <= a and b <= offset + len(line)]))
            offset += len(line) + 1
    units = [(t, s) for t, s in units if t.split()]  # lines without tokens are no sentences
    stored = {i: t for i, (t, _) in enumerate(units)}
    if len({"".join(t.split()) for t in stored.values()}) < len(stored):
        return  # two tasks differing only in whitespace: the import refuses to choose
    data = b"".join(written(module, t, s) for t, s in units)
    found = read(module, data, stored) if data else []
    assert [(r[ONTO_TASK], r["data"]["text"], spans_of(r)) for _, r in found] == [
        (i, t, s) for i, (t, s) in enumerate(units)]


@pytest.fixture
def project(tmp_path):
    with Project(tmp_path, SCHEMA) as project:
        project.import_bytes(jsonl([{"data": {"text": TEXT}},
                                    {"data": {"text": "Another text ."}}]), "t.jsonl", "jsonl")
        yield project


def test_predictions_in_conll_land_on_the_stored_task(project):
    report = project.import_bytes(CONLL, "pre.conll", "conll",
                                  {"target": "predictions", "model_version": "ner-2",
                                   "settings": {"scheme": "iob2"}})
    assert report == {"created": 0, "skipped_duplicates": 1, "annotations": 0,
                      "predictions": 1}
    first, second = project.records()
    assert first["data"] == {"text": TEXT} and not second.get("predictions")
    [prediction] = first["predictions"]
    assert prediction["model_version"] == "ner-2"
    assert [(r["value"]["class"], TEXT[r["value"]["start"]:r["value"]["end"]])
            for r in prediction["regions"]] == [
        ("ORG", "EU"), ("MISC", "German"), ("PER", "Peter  Blackburn"), ("LOC", "Leeds")]


def test_gold_in_bio_lands_on_the_stored_task(project):
    data = b"Another\tO\ntext\tB-MISC\n.\tO\n\n"
    report = project.import_bytes(data, "gold.bio", "bio", {"target": "gold"})
    assert (report["created"], report["skipped_duplicates"]) == (0, 1)
    [gold] = project.records()[1]["gold"]
    assert gold["value"] == {"class": "MISC", "start": 8, "end": 12}


def test_a_file_whose_tokens_are_not_a_stored_text_makes_new_tasks_as_before(project):
    data = b"Unrelated\tB-ORG\nwords\tO\n\n"
    report = project.import_bytes(data, "new.bio", "bio", {"target": "predictions"})
    assert (report["created"], report["predictions"]) == (1, 1)
    assert project.records()[-1]["data"] == {"text": "Unrelated words"}


def test_tasks_differing_only_in_whitespace_are_refused_by_name(tmp_path):
    with Project(tmp_path, SCHEMA) as project:
        project.import_bytes(jsonl([{"data": {"text": "New York"}},
                                    {"data": {"text": "NewYork"}}]), "t.jsonl", "jsonl")
        with pytest.raises(InputError, match=r"^ny.bio, line 1: the tokens are the text of "
                                             r"several tasks \(ids \d+, \d+\)"):
            project.import_bytes(b"New\tB-LOC\nYork\tI-LOC\n\n", "ny.bio", "bio",
                                 {"target": "predictions"})
        assert not any(r.get("predictions") for r in project.records())
