"""The order of `api.app.ROUTERS` is free to follow traffic only while no two routers have
routes that match the same request."""

from __future__ import annotations

import itertools
import re

from fastapi.routing import APIRoute
from starlette.routing import compile_path

from accord.api.app import ROUTERS


def test_no_two_routers_match_the_same_request() -> None:
    routes = [(n, route) for n, router in enumerate(ROUTERS) for route in router.routes
              if isinstance(route, APIRoute)]
    overlaps = []
    for (n1, first), (n2, second) in itertools.permutations(routes, 2):
        if n1 == n2 or not first.methods & second.methods:
            continue
        pattern = compile_path(first.path)[0]
        for value in ("1", "label"):  # an id, and a word (a stage, a format)
            if pattern.match(re.sub(r"\{[^}]+\}", value, second.path)):
                overlaps.append(f"{first.path} also matches {second.path}")
    assert overlaps == []
