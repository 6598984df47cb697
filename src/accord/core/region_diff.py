"""What changed between two versions of an annotation, region by region (matched by id)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def diff_regions(before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]]
                 ) -> dict[str, list[Any]]:
    """Regions added, removed and changed (with the fields that differ).

    >>> diff_regions([{"id": "a", "value": {"x": 1}}], [{"id": "a", "value": {"x": 2}},
    ...                                               {"id": "b", "value": {}}])
    {'added': ['b'], 'removed': [], 'changed': [{'id': 'a', 'fields': ['value']}]}
    """
    old = {r.get("id"): r for r in before}
    new = {r.get("id"): r for r in after}
    changed = []
    for region_id in old.keys() & new.keys():
        fields = sorted(k for k in old[region_id].keys() | new[region_id].keys()
                        if old[region_id].get(k) != new[region_id].get(k))
        if fields:
            changed.append({"id": region_id, "fields": fields})
    return {"added": sorted(new.keys() - old.keys(), key=str),
            "removed": sorted(old.keys() - new.keys(), key=str),
            "changed": sorted(changed, key=lambda c: str(c["id"]))}
