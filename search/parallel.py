"""Chinese analysis is CPU-bound Python (jieba): a rebuild spreads it over processes."""

import multiprocessing
import threading
from collections.abc import Callable, Iterable, Iterator


def batches(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def mapped_batches(
    fn: Callable, items: Iterable, *, workers: int = 1, size: int = 1000
) -> Iterator[list]:
    """[fn(item) for item in batch] per batch, in order. The items are read in this process
    (they may come from the database); only `fn` runs in the forked workers.

    Forking is only safe from a process with one thread: a child inherits every lock another
    thread held at that instant, held for ever (a live server or an event loop beside the
    caller once hung a test run for over an hour). With other threads alive the work stays in
    this process; `manage.py search_index --workers N`, the command that asks for workers, is
    single-threaded."""
    if workers <= 1 or threading.active_count() > 1:
        for batch in batches(items, size):
            yield [fn(item) for item in batch]
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        for batch in batches(items, size):
            yield pool.map(fn, batch, chunksize=max(1, len(batch) // (workers * 4)))
