"""Which schema label and data field a format's annotations belong to.

Formats name classes ("car") and shapes (a box), not our labels. A box of class `car` goes
to the schema's one `bbox` label, or, when there are several, to the one whose classes hold
`car`, or to the one the user named (`--label bbox=vehicles`). Anything else is an error
that names the choices, so an import never guesses.
"""

from __future__ import annotations

from collections.abc import Mapping

from accord.core.errors import InputError
from accord.core.schema import DataType, LabelDef, Schema


class Binding:
    def __init__(self, schema: Schema | None, labels: Mapping[str, str] | None = None) -> None:
        self.schema = schema
        self.labels = dict(labels or {})
        self._cache: dict[tuple[str, str | None, str | None], str] = {}
        if schema is not None:
            for kind, name in self.labels.items():
                label = schema.label(name)
                if label is None or label.type.value != kind:
                    raise InputError(f"labels.{kind}: the schema has no {kind} label "
                                     f"{name!r}; its {kind} labels: "
                                     f"{', '.join(self._names(kind)) or 'none'}",
                                     field=f"labels.{kind}")

    def data_key(self, kind: str = "image") -> str:
        """The task data key of the schema's first field of `kind` (default: `kind`)."""
        if self.schema is not None:
            for data in self.schema.data:
                if data.type == DataType(kind):
                    return data.source or data.name
        return kind

    def media_keys(self) -> list[str]:
        """The task data keys of every image, audio and video field (default: `image`)."""
        if self.schema is None:
            return ["image"]
        return [d.source or d.name for d in self.schema.data
                if d.type in (DataType.IMAGE, DataType.AUDIO, DataType.VIDEO)]

    def label(self, kind: str, class_name: str | None = None, where: str = "",
              source_kind: str | None = None) -> str:
        """The name of the label a region of type `kind` (and class) belongs to.

        Without a schema the type's name stands in: the record then fails the import's
        schema check ("publish a schema first") unless its regions are dropped (`tasks`).
        """
        key = (kind, class_name, source_kind)
        if key not in self._cache:
            self._cache[key] = self._choose(kind, class_name, where, source_kind)
        return self._cache[key]

    def _choose(self, kind: str, class_name: str | None, where: str,
                source_kind: str | None) -> str:
        if self.schema is None:
            return self.labels.get(kind, kind)
        if kind in self.labels:
            return self.labels[kind]
        candidates = [label for label in self.schema.labels if label.type.value == kind
                      and (source_kind is None or self._source_kind(label) == source_kind)]
        lead = f"{where}: " if where else ""
        if not candidates:
            raise InputError(f"{lead}the project's schema has no {kind} label for this "
                             f"{class_name or kind!r} annotation; add one to the schema, or "
                             "import as tasks only", where=where or None, label_type=kind)
        if len(candidates) == 1:
            return candidates[0].name
        holding = [c for c in candidates if class_name is not None and c.class_named(class_name)]
        if len(holding) == 1:
            return holding[0].name
        raise InputError(f"{lead}the schema has {len(candidates)} {kind} labels "
                         f"({', '.join(c.name for c in candidates)}) and class "
                         f"{class_name!r} does not pick one; choose with labels.{kind}",
                         where=where or None, label_type=kind)

    def _source_kind(self, label: LabelDef) -> str | None:
        assert self.schema is not None
        data = self.schema.data_field(label.source)
        return data.type.value if data is not None else None

    def _names(self, kind: str) -> list[str]:
        assert self.schema is not None
        return [label.name for label in self.schema.labels if label.type.value == kind]

    def classes(self, kind: str) -> list[str]:
        """The class names of every label of `kind`, in schema order (for category ids)."""
        if self.schema is None:
            return []
        names: list[str] = []
        for label in self.schema.labels:
            if label.type.value == kind or kind == "*":
                names += [c.name for c in label.classes if c.name not in names]
        return names
