"""deploy's plan says when a drifted dashboard was edited ('edited by alice 2 h ago') from the
time Grafana's version history gives, written with a trailing Z (live.iso_utc): read alike on
every Python pyproject allows, 3.10's fromisoformat included, which rejects the Z."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from dashsmith.commands.deploy import report
from dashsmith.commands.deploy.plan import Action, Change

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)


class _Python310Datetime(datetime):
    """datetime.fromisoformat as Python 3.10 has it: a trailing Z is not ISO to it."""

    @classmethod
    def fromisoformat(cls, text: str) -> datetime:
        if text.endswith(("Z", "z")):
            raise ValueError(f"Invalid isoformat string: {text!r}")
        return datetime.fromisoformat(text)


@pytest.fixture(params=["this Python", "Python 3.10"])
def python(request, monkeypatch):
    if request.param == "Python 3.10":
        monkeypatch.setattr(report, "datetime", _Python310Datetime)
    return request.param


def drifted(edited_at: str) -> Change:
    return Change(kind="dashboard", key="orders", title="Orders", action=Action.DRIFTED,
                  reason="edited in Grafana", edited_by="alice", edited_at=edited_at)


@pytest.mark.parametrize(("stamp", "said"), [
    ("2026-12-07T10:00:00Z", "2 h ago"),
    ("2026-12-07T11:50:00+00:00", "10 min ago"),
    ("2026-12-05T12:00:00", "2 days ago"),
])
def test_when_a_drifted_dashboard_was_edited_is_said_on_every_python(python, stamp, said):
    assert report.drift_origin(drifted(stamp), NOW) == (
        f"edited by alice {said}; keep it with `dashsmith import --uid orders --force`")


def test_a_time_that_cannot_be_read_is_left_out(python):
    assert report.drift_origin(drifted("yesterday"), NOW).startswith("edited by alice; keep")
