"""Label matchers written once and placed into queries as PromQL selectors.

In an f-string a Selector writes itself with its braces, so a query reads as the PromQL it
makes; matchers after the colon (the format spec) narrow it, written first. With
JOB = Selector('job=~"$job"'):

    f"up{JOB}"                     is   up{job=~"$job"}
    f'up{JOB:instance="db:9187"}'  is   up{instance="db:9187",job=~"$job"}

Selector(A, B) holds the matchers of both.
"""

from __future__ import annotations


class Selector:
    def __init__(self, *matchers: Selector | str):
        parts = (m.matchers if isinstance(m, Selector) else m for m in matchers)
        self.matchers: str = ",".join(part for part in parts if part)

    def __format__(self, more: str) -> str:
        return "{" + ",".join(m for m in (more, self.matchers) if m) + "}"

    def __str__(self) -> str:
        return format(self)

    def __repr__(self) -> str:
        return f"Selector({self.matchers!r})"
