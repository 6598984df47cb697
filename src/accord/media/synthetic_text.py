"""Documents with known entity spans, relations and topics, and hostile rich text, made locally.

Sentences are filled from templates with people, organisations and places, so every
entity's character offsets, every `works_for`/`based_in` relation and each document's topic
are known exactly. `long_document` makes one of about 100,000 characters for the speed
bench; `hostile_html` a rich-text document full of active content for the sanitising tests.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Final

PEOPLE: Final = ("Ada Okafor", "Lena Schmidt", "Tomás Ruiz", "Mei Chen", "Ravi Patel",
                 "Sofia Rossi", "Jonas Berg", "Amara Diallo", "Yuki Tanaka", "Omar Haddad")
ORGS: Final = ("Northwind Logistics", "Bluefield Bank", "Orchid Labs", "Harbor Freight Co",
               "Vela Robotics", "Greenway Energy", "Atlas Insurance", "Kestrel Media")
PLACES: Final = ("Lisbon", "Nairobi", "Osaka", "Toronto", "Gdańsk", "Valparaíso", "Leeds",
                 "Porto Alegre", "Tromsø", "Accra")
#: (topic, template): {person}, {org}, {place} are filled in; `works_for` relates the person
#: to the organisation when both appear, `based_in` the organisation to the place.
TEMPLATES: Final = (
    ("business", "{person} joined {org} as chief financial officer in {place}."),
    ("business", "Shares of {org} rose after {person} announced a new plant in {place}."),
    ("business", "{org}, based in {place}, hired {person} to lead its expansion."),
    ("sports", "{person} of {org} won the regional marathon held in {place}."),
    ("sports", "Fans in {place} cheered as {person} scored twice for {org}."),
    ("travel", "{person} recommends the old harbour of {place} to anyone visiting."),
    ("travel", "Flights from {place} were cancelled, and {person} stayed an extra night."),
    ("travel", "{org} opened a visitor centre in {place}, says {person}."),
)
TOPICS: Final = ("business", "sports", "travel")
ENTITY_CLASSES: Final = {"person": "PER", "org": "ORG", "place": "LOC"}


@dataclass(frozen=True, slots=True)
class Entity:
    class_name: str  # PER, ORG or LOC
    start: int
    end: int  # exclusive
    text: str


@dataclass(frozen=True, slots=True)
class Document:
    text: str
    topic: str
    entities: tuple[Entity, ...]
    relations: tuple[tuple[str, int, int], ...]  # (class, from entity index, to entity index)

    def regions(self, spans: str = "entities", relations: str = "relations",
                topic: str = "topic") -> list[dict[str, Any]]:
        """The ground truth as canonical regions (span ids `e0`, `e1`, …)."""
        regions: list[dict[str, Any]] = [
            {"id": f"e{i}", "label": spans, "type": "span",
             "value": {"class": e.class_name, "start": e.start, "end": e.end}}
            for i, e in enumerate(self.entities)]
        regions += [{"id": f"r{i}", "label": relations, "type": "relation",
                     "value": {"class": name, "from": f"e{a}", "to": f"e{b}"}}
                    for i, (name, a, b) in enumerate(self.relations)]
        regions.append({"id": "topic", "label": topic, "type": "classification",
                        "value": {"class": self.topic}})
        return regions


class _Writer:
    """Appends filled templates to one text, recording offsets as it goes."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.entities: list[Entity] = []
        self.relations: list[tuple[str, int, int]] = []

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def sentence(self, rng: random.Random, template: str) -> None:
        chosen = {"person": rng.choice(PEOPLE), "org": rng.choice(ORGS),
                  "place": rng.choice(PLACES)}
        found: dict[str, int] = {}
        rest = template
        while "{" in rest:
            before, _, after = rest.partition("{")
            key, _, rest = after.partition("}")
            self.write(before)
            found[key] = len(self.entities)
            value = chosen[key]
            self.entities.append(Entity(ENTITY_CLASSES[key], self.length,
                                        self.length + len(value), value))
            self.write(value)
        self.write(rest)
        if "person" in found and "org" in found:
            self.relations.append(("works_for", found["person"], found["org"]))
        if "org" in found and "place" in found:
            self.relations.append(("based_in", found["org"], found["place"]))

    def document(self, topic: str) -> Document:
        return Document("".join(self.parts), topic, tuple(self.entities), tuple(self.relations))


def document(rng: random.Random, sentences: int = 3) -> Document:
    """A short news item on one topic: `sentences` sentences of that topic."""
    topic = rng.choice(TOPICS)
    writer = _Writer()
    for n in range(sentences):
        if n:
            writer.write(" ")
        writer.sentence(rng, rng.choice([t for k, t in TEMPLATES if k == topic]))
    return writer.document(topic)


def generate(count: int, seed: int = 17, sentences: int = 3) -> list[Document]:
    rng = random.Random(seed)
    return [document(rng, sentences) for _ in range(count)]


def long_document(characters: int = 100_000, seed: int = 19) -> Document:
    """At least `characters` characters in paragraphs of five sentences, every entity known;
    its topic is that of the first sentence."""
    rng = random.Random(seed)
    writer = _Writer()
    topic = rng.choice(TOPICS)
    n = 0
    while writer.length < characters:
        if n:
            writer.write("\n\n" if n % 5 == 0 else " ")
        writer.sentence(rng, rng.choice([t for k, t in TEMPLATES if k == topic or n % 3]))
        n += 1
    return writer.document(topic)


#: Active content a rich-text field may carry; none of it may run when the task is shown.
HOSTILE_FRAGMENTS: Final = (
    "<script>window.__pwned = 'script'</script>",
    '<img src="x" onerror="window.__pwned = \'onerror\'">',
    '<a href="javascript:window.__pwned = \'href\'">the quarterly report</a>',
    '<svg onload="window.__pwned = \'svg\'"><circle r="4"/></svg>',
    '<iframe srcdoc="<script>parent.__pwned = \'srcdoc\'</script>"></iframe>',
    '<p style="background: url(javascript:window.__pwned=1)">styled</p>',
    '<form action="javascript:window.__pwned = \'form\'"><button>Send</button></form>',
    "<noscript><p title=\"</noscript><img src=x onerror=window.__pwned='mxss'>\"></p></noscript>",
    '<object data="javascript:window.__pwned = \'object\'"></object>',
    '<div onmouseover="window.__pwned = \'hover\'">hover here</div>',
)


def hostile_html(seed: int = 23) -> str:
    """A short article in HTML (headings, paragraphs, a list, a table, links) with every
    HOSTILE_FRAGMENTS item woven in. The readable text still names known entities, so the
    sanitised view can be labelled like any other."""
    rng = random.Random(seed)
    items = generate(3, seed=seed, sentences=2)
    body = ["<h1>Weekly digest</h1>"]
    fragments = list(HOSTILE_FRAGMENTS)
    rng.shuffle(fragments)
    for i, item in enumerate(items):
        body.append(f"<h2>{item.topic.title()}</h2>")
        body.append(f"<p>{item.text} {fragments[i]}</p>")
    body.append("<ul>" + "".join(f"<li>{f}</li>" for f in fragments[3:6]) + "</ul>")
    body.append("<table><tr><th>Office</th><th>Lead</th></tr>"
                f"<tr><td>{PLACES[0]}</td><td>{PEOPLE[0]}</td></tr></table>")
    body.append('<p>Read more on <a href="https://example.org/digest">the site</a>. '
                + " ".join(fragments[6:]) + "</p>")
    return "\n".join(body)
