"""Gathering queued work into batches: results for one gradebook transaction, jobs for one Dask
task."""
from __future__ import annotations

import queue
import time


def gathered(source: queue.Queue, first: object, most: int, wait: float) -> list:
    """first, then what source holds or receives within wait seconds after it: most items in all.
    A None taken from source (the end of the work) is put back and ends the batch."""
    batch, until = [first], time.monotonic() + wait
    while len(batch) < most and (left := until - time.monotonic()) > 0:
        try:
            item = source.get(timeout=left)
        except queue.Empty:
            break
        if item is None:
            source.put(None)
            break
        batch.append(item)
    return batch
