"""Pairing the old and new versions of things by identity, not by position."""

from __future__ import annotations

import bisect
import difflib
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def match(old: Sequence[T], new: Sequence[T], identities: Sequence[Callable[[T], object]],
          similarity: Callable[[T, T], float] | None = None,
          threshold: float = 0.7) -> tuple[list[tuple[T, T]], list[T], list[T]]:
    """Pairs (old, new): first by each identity in turn (an identity of None matches nothing;
    equal identities pair in order), then what is left by similarity at or above `threshold`
    (a rename). Returns (pairs, removed, added), each in its side's order."""
    pairs: list[tuple[T, T]] = []
    old_left, new_left = list(old), list(new)
    for identity in identities:
        waiting: defaultdict[object, list[T]] = defaultdict(list)
        for item in new_left:
            key = identity(item)
            if key is not None:
                waiting[key].append(item)
        unmatched: list[T] = []
        for item in old_left:
            candidates = waiting.get(identity(item))
            if candidates:
                pairs.append((item, candidates.pop(0)))
            else:
                unmatched.append(item)
        paired = {id(n) for _, n in pairs}
        old_left, new_left = unmatched, [n for n in new_left if id(n) not in paired]
    if similarity and old_left and new_left:
        renamed = _by_similarity(old_left, new_left, similarity, threshold)
        pairs += renamed
        gone, came = {id(o) for o, _ in renamed}, {id(n) for _, n in renamed}
        old_left = [o for o in old_left if id(o) not in gone]
        new_left = [n for n in new_left if id(n) not in came]
    return pairs, old_left, new_left


def _by_similarity(old: Sequence[T], new: Sequence[T], similarity: Callable[[T, T], float],
                   threshold: float) -> list[tuple[T, T]]:
    scored = sorted(((similarity(o, n), i, j)
                     for i, o in enumerate(old) for j, n in enumerate(new)),
                    key=lambda s: (-s[0], s[1], s[2]))
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs: list[tuple[T, T]] = []
    for score, i, j in scored:
        if score < threshold:
            break
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            pairs.append((old[i], new[j]))
    return pairs


def text_similarity(a: str, b: str) -> float:
    if not a and not b:
        return 0.0  # two empty things are not evidence of a rename
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def out_of_order(old_positions: Sequence[int]) -> set[int]:
    """Indexes (into the sequence) of the items that moved: the sequence lists, in new order,
    each item's old position; the longest increasing subsequence stayed, the rest moved."""
    if not old_positions:
        return set()
    # Patience sorting with back links: O(n log n).
    tails: list[int] = []
    tail_index: list[int] = []
    previous = [-1] * len(old_positions)
    for i, value in enumerate(old_positions):
        k = bisect.bisect_left(tails, value)
        if k == len(tails):
            tails.append(value)
            tail_index.append(i)
        else:
            tails[k] = value
            tail_index[k] = i
        previous[i] = tail_index[k - 1] if k else -1
    kept: set[int] = set()
    i = tail_index[-1]
    while i != -1:
        kept.add(i)
        i = previous[i]
    return set(range(len(old_positions))) - kept
