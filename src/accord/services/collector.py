"""The garbage collector: settled once a server has started, eased while a bulk job runs.

Every full pass of the collector walks every object of the process. A server's start-up
leaves some 180,000 long-lived ones (modules, the app, the ORM, the schema models), and
walking them took 100-130 ms: the slowest requests of a paced load test were waiting for
it. So once `accord serve` has started, `settle` leaves them out of the passes for the life
of the process (`gc.freeze`); those that die later are still freed by reference counting.

A bulk import or export makes millions of short-lived containers that reference counting
frees, and holds a batch or a window of them long enough for the collector's passes to walk
them: that was a third of a COCO export's CPU and about 10,000 instructions per imported
task. So while one runs (`eased`), the objects that existed before it are left out of the
passes too (`gc.freeze`, undone after, then settled again if the server was), and the
youngest generation is collected every YOUNG_THRESHOLD allocations instead of 700. Neither
makes reference cycles; whatever other threads make is still collected, later but within a
bounded number of allocations, so memory stays bounded. The collector is process-wide: the
first of concurrent runs eases it, the last restores it.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: allocations between two collections of the youngest generation while eased
YOUNG_THRESHOLD = 50_000


class _Collector:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.saved = gc.get_threshold()
        self.settled = False

    def settle(self) -> None:
        with self.lock:
            self.settled = True
            if not self.running:
                _freeze_survivors()

    @contextmanager
    def eased(self) -> Iterator[None]:
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
                    if self.settled:  # unfreezing released the server's objects too
                        _freeze_survivors()


def _freeze_survivors() -> None:
    gc.collect()  # only what is alive is frozen: no garbage is kept for good
    gc.freeze()


_collector = _Collector()
eased = _collector.eased
settle = _collector.settle
