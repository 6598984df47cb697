"""The garbage collector eased while a bulk import or export runs.

Both make millions of short-lived containers that reference counting frees, and both hold a
batch or a window of them long enough for the collector's passes to walk them; its full
passes walk every object of the process as well (the app, the ORM, the schema). That was a
third of a COCO export's CPU and about 10,000 instructions per imported task. So while one
runs, the objects that existed before it are left out of the collector's passes
(`gc.freeze`, undone after), and the youngest generation is collected every
YOUNG_THRESHOLD allocations instead of 700. Neither makes reference cycles; whatever other
threads make is still collected, later but within a bounded number of allocations, so
memory stays bounded. The collector is process-wide: the first of concurrent runs eases
it, the last restores it.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: allocations between two collections of the youngest generation while eased
YOUNG_THRESHOLD = 50_000


class _Easing:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.saved = gc.get_threshold()

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self.lock:
            if not self.running:
                self.saved = gc.get_threshold()
                gc.freeze()
                gc.set_threshold(max(self.saved[0], YOUNG_THRESHOLD), *self.saved[1:])
            self.running += 1
        try:
            yield
        finally:
            with self.lock:
                self.running -= 1
                if not self.running:
                    gc.set_threshold(*self.saved)
                    gc.unfreeze()


eased = _Easing()
