"""Bounded concurrency: run a function over items on at most N threads, keeping each item's
result or exception (one failure does not stop the others)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# (item, result, None) or (item, None, error)
Outcome = tuple[T, R, None] | tuple[T, None, BaseException]


def run_all(fn: Callable[[T], R], items: Iterable[T], concurrency: int,
            done: Callable[[], None] | None = None
            ) -> list[Outcome[T, R]]:
    """[(item, result, None) or (item, None, error)] in the order of `items`; `done()` is
    called after each item (for a progress bar)."""
    items = list(items)
    if not items:
        return []
    outcomes: dict[int, Outcome[T, R]] = {}
    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(items)))) as pool:
        futures = {pool.submit(fn, item): index for index, item in enumerate(items)}
        for future in as_completed(futures):
            index = futures[future]
            error = future.exception()
            if error:
                outcomes[index] = (items[index], None, error)
            else:
                outcomes[index] = (items[index], future.result(), None)
            if done:
                done()
    return [outcomes[index] for index in range(len(items))]


def run_all_or_raise(fn: Callable[[T], R], items: Iterable[T], concurrency: int,
                     done: Callable[[], None] | None = None) -> list[R]:
    """Results in the order of `items`; the first error (in that order) is raised."""
    outcomes = run_all(fn, items, concurrency, done)
    results: list[R] = []
    for outcome in outcomes:
        if outcome[2] is not None:
            raise outcome[2]
        results.append(outcome[1])
    return results
