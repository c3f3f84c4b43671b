"""Routing tests over the estate: each alert's labels go through the tree, as `amtool config
routes test` would send them; every alert must reach a receiver that notifies someone, and
the receivers an alert declares it expects (`Alert(expect_receivers=[...])`) must be the ones
it reaches. Also `amtool check-config` on the compiled file."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

from .. import serialize
from ..problems import Problem, Severity
from ..rules import Alert
from . import alertmanager, resolve, validate

REQUIRE_VARIABLE = "DASHSMITH_REQUIRE_LIVE"


class AmtoolMissing(Exception):
    pass


@dataclass
class RoutedAlert:
    alert: Alert
    labels: dict[str, str]
    destinations: list[resolve.Destination]

    @property
    def receivers(self) -> list[str]:
        return [d.receiver for d in self.destinations]


def alert_labels(alert: Alert) -> dict[str, str]:
    """The labels an alert is known to carry before it fires: its name, its severity and its
    declared labels. Labels its expression yields (instance, provider, ...) come on top."""
    labels = {"alertname": alert.name, **alert.labels}
    if alert.severity:
        labels["severity"] = alert.severity
    return labels


def routed_alerts(estate) -> list[RoutedAlert]:
    if estate.routing is None:
        return []
    out = []
    for alert in estate.alerts():
        labels = alert_labels(alert)
        out.append(RoutedAlert(alert, labels, resolve.destinations(estate.routing, labels)))
    return out


def problems(estate) -> list[Problem]:
    """Alerts that reach no one, and alerts that reach others than they expect."""
    if estate.routing is None:
        if not estate.alerts():
            return []
        return [Problem("routing/missing", Severity.WARNING, "alerts are declared but no "
                        "Routing(...) is, so no alertmanager.yml is built and no alert reaches "
                        "anyone", estate.rule_files[0].source)]
    found = []
    for item in routed_alerts(estate):
        found += _alert_problems(estate.routing, item)
    return found


def _alert_problems(routing, item: RoutedAlert) -> list[Problem]:
    found = []
    reached = [r for r in item.receivers if not _is_black_hole(routing, r)]
    if not reached:
        found.append(Problem("routing/black-hole", Severity.ERROR, f"alert {item.alert.name} "
                             f"reaches only {', '.join(item.receivers)}, which notifies no one",
                             item.alert.source))
    expected = item.alert.expect_receivers
    if expected is not None and list(expected) != item.receivers:
        found.append(Problem("routing/expected-receivers", Severity.ERROR,
                             f"alert {item.alert.name} reaches {_names(item.receivers)}, "
                             f"expected {_names(expected)}", item.alert.source))
    return found


def _is_black_hole(routing, name: str) -> bool:
    receiver = routing.receiver_named(name)
    return receiver is None or receiver.black_hole


def _names(names) -> str:
    return ", ".join(names) if names else "(none)"


def report(estate) -> list[str]:
    """One line per alert: its labels and the receivers it reaches, with the grouping."""
    lines = []
    for item in sorted(routed_alerts(estate), key=lambda i: i.alert.name):
        labels = ",".join(f"{k}={v}" for k, v in sorted(item.labels.items()))
        targets = "; ".join(_destination(d) for d in item.destinations)
        lines.append(f"{item.alert.name} {{{labels}}} → {targets}")
    return lines


def _destination(destination: resolve.Destination) -> str:
    text = f"{destination.receiver} (group_by {','.join(destination.group_by) or '-'}"
    if destination.mute:
        text += f"; muted in {', '.join(destination.mute)}"
    if destination.active:
        text += f"; active in {', '.join(destination.active)}"
    return text + ")"


def amtool_check(estate, amtool: str) -> list[Problem]:
    """`amtool check-config` on the compiled alertmanager.yml; its complaint as a problem."""
    if estate.routing is None:
        return []
    data = serialize.to_yaml(alertmanager.config(estate.routing))
    with tempfile.TemporaryDirectory(prefix="dashsmith-amtool-") as directory:
        path = os.path.join(directory, "alertmanager.yml")
        with open(path, "wb") as handle:
            handle.write(data)
        result = subprocess.run([amtool, "check-config", path], capture_output=True, text=True,
                                timeout=60)
    if result.returncode == 0:
        return []
    output = (result.stdout + result.stderr).replace(path, "alertmanager.yml").strip()
    return [Problem("routing/amtool", Severity.ERROR, f"amtool check-config: {output}",
                    estate.routing.source)]


def find_amtool() -> str | None:
    """amtool's path; None if it is not installed, unless DASHSMITH_REQUIRE_LIVE is set (CI)."""
    path = shutil.which("amtool")
    if path is None and os.environ.get(REQUIRE_VARIABLE):
        raise AmtoolMissing("amtool is not installed (Debian package 'prometheus-alertmanager') "
                            f"and {REQUIRE_VARIABLE} is set")
    return path


def lint(estate, amtool: str | None) -> list[Problem]:
    """Everything lint reports about the routing: its structure, where each alert goes, and
    amtool's verdict on the compiled file (when amtool is given)."""
    found = validate.problems(estate.routing) + problems(estate)
    if amtool and not any(p.severity is Severity.ERROR for p in found):
        found += amtool_check(estate, amtool)
    return found


def test(estate) -> tuple[list[str], list[Problem]]:
    """What `dashsmith test` prints and fails on: each alert with its receivers, and the alerts
    that reach no one or others than they expect."""
    if estate.routing is None:
        return ["routing: no Routing declared; alerts reach no one"], []
    lines = [f"routing: {len(estate.alerts())} alerts through {len(estate.routing.receivers)} "
             "receivers"] + [f"  {line}" for line in report(estate)]
    return lines, problems(estate)
