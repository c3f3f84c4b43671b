"""verify's findings as text (`path:line:col: severity rule message`), JSON, or GitHub
workflow-command annotations, the formats `dashsmith lint` writes."""

from __future__ import annotations

import json

from ..problems import Problem, Severity

FORMATS = ("text", "json", "github")
_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(problems: list[Problem], fmt: str) -> str:
    ordered = sorted(problems, key=lambda p: (p.source.file, p.source.line, -p.severity, p.rule))
    if fmt == "json":
        return json.dumps([{
            "file": p.source.file, "line": p.source.line, "column": p.source.column or 1,
            "severity": str(p.severity), "rule": p.rule, "message": p.message,
        } for p in ordered], indent=2)
    if fmt == "github":
        return "\n".join(
            f"::{_GITHUB_LEVEL[p.severity]} file={p.source.file},line={p.source.line},"
            f"col={p.source.column or 1},title={p.rule}::{_escape(p.message)}" for p in ordered)
    return "\n".join(str(p) for p in ordered)


def summary(problems: list[Problem]) -> str:
    counts = {severity: sum(p.severity is severity for p in problems) for severity in Severity}
    return (f"{counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} warning(s), "
            f"{counts[Severity.INFO]} note(s)")


def _escape(message: str) -> str:
    return message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
