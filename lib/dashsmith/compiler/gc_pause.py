"""Pausing Python's cycle collector while a command builds objects that live until it ends."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """An estate, its build and lint's parse trees are many small objects that live until the
    command ends; the cycle collector would walk them again and again as more are made (a
    third of a large build's or lint's time) and would free nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
