"""Sample documents: entity offsets, relations and topics are exactly what the text holds."""

from __future__ import annotations

import html.parser

from accord.core.schema import parse_schema
from accord.core.validation import media_info, validate
from accord.media import synthetic_text
from accord.media.synthetic_text import Document

SCHEMA = parse_schema({
    "data": [{"name": "text", "type": "text"}],
    "labels": [
        {"name": "entities", "type": "span", "source": "text",
         "classes": [{"name": "PER"}, {"name": "ORG"}, {"name": "LOC"}]},
        {"name": "relations", "type": "relation", "source": "text", "between": ["entities"],
         "classes": [{"name": "works_for"}, {"name": "based_in"}]},
        {"name": "topic", "type": "classification", "source": "text",
         "classes": [{"name": t} for t in synthetic_text.TOPICS]}]})
NAMES = {"PER": synthetic_text.PEOPLE, "ORG": synthetic_text.ORGS, "LOC": synthetic_text.PLACES}


def check(document: Document) -> None:
    for entity in document.entities:
        assert document.text[entity.start:entity.end] == entity.text
        assert entity.text in NAMES[entity.class_name]
    for name, a, b in document.relations:
        kinds = (document.entities[a].class_name, document.entities[b].class_name)
        assert kinds == {"works_for": ("PER", "ORG"), "based_in": ("ORG", "LOC")}[name]
    problems = validate(SCHEMA, document.regions(),
                        media=media_info(SCHEMA, {"text": document.text}))
    assert problems == []


def test_short_documents_have_exact_entities_relations_and_one_topic():
    documents = synthetic_text.generate(20, seed=3)
    for document in documents:
        check(document)
        assert document.topic in synthetic_text.TOPICS
        assert len(document.entities) >= 6  # three sentences of two or three entities
    assert {d.topic for d in documents} == set(synthetic_text.TOPICS)
    assert any(not e.text.isascii() for d in documents for e in d.entities)  # Gdańsk, Tromsø


def test_the_long_document_is_over_100000_characters_in_paragraphs():
    document = synthetic_text.long_document()
    assert 100_000 <= len(document.text) < 100_200
    assert document.text.count("\n\n") > 100
    assert len(document.entities) > 2000
    check(document)


def test_the_same_seed_gives_the_same_documents():
    assert synthetic_text.generate(5, seed=2) == synthetic_text.generate(5, seed=2)
    assert synthetic_text.generate(5, seed=2) != synthetic_text.generate(5, seed=4)
    assert synthetic_text.long_document(5000) == synthetic_text.long_document(5000)


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.handlers: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.handlers |= {name for name, _ in attrs if name.startswith("on")}


def test_the_hostile_html_carries_every_kind_of_active_content():
    document = synthetic_text.hostile_html()
    for fragment in synthetic_text.HOSTILE_FRAGMENTS:
        assert fragment in document
    parsed = _Tags()
    parsed.feed(document)
    assert {"script", "iframe", "svg", "object", "form", "h1", "table", "a"} <= parsed.tags
    assert {"onerror", "onload", "onmouseover"} <= parsed.handlers
    assert document.count("javascript:") >= 4
    assert synthetic_text.PEOPLE[0] in document
    assert synthetic_text.hostile_html() == document
