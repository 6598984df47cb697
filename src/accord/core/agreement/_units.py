"""Reading `{unit: {annotator: items}}`, the input of every per-unit agreement measure
(regions, spans, relations, tracks): one check of its shape and one order of annotators."""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping, Sequence
from typing import Any

from accord.core.errors import InputError


class AnnotatorOrder:
    """Annotators' positions: those given, in their order (refusing any other), else each
    in order of first appearance."""

    def __init__(self, given: Sequence[Hashable] | None) -> None:
        self.given = given
        self.positions: dict[Hashable, int] = {a: k for k, a in enumerate(given or ())}

    def position(self, annotator: Hashable, where: str, what: str) -> int:
        """`annotator`'s position; `where` ("unit 'u1'") and `what` ("spans") name the input
        in the error for an annotator not among those given."""
        if self.given is not None and annotator not in self.positions:
            raise InputError(f"{where} has {what} from {annotator!r}, who is not among the "
                             f"annotators given: {list(self.given)}")
        return self.positions.setdefault(annotator, len(self.positions))

    @property
    def names(self) -> tuple[Hashable, ...]:
        return tuple(self.positions)


def units_of(data: Any, measure: str, items: str, *, lists: str | None = None,
             unit: str = "unit") -> Iterator[tuple[Hashable, Mapping[Hashable, Any]]]:
    """Each unit of `data` with its `{annotator: items}`, once both are known to be mappings;
    for the errors, `measure` names the function, `items` what each annotator gives and
    `lists` how the error for a unit says it (default: `items`)."""
    if not isinstance(data, Mapping):
        raise InputError(f"{measure} needs {{{unit}: {{annotator: {items}}}}}; got "
                         f"{type(data).__name__}")
    for key, by_annotator in data.items():
        if not isinstance(by_annotator, Mapping):
            raise InputError(f"{unit} {key!r} must map annotators to {lists or items}; got "
                             f"{type(by_annotator).__name__}")
        yield key, by_annotator
