"""Where each declared alert goes: its labels through the routing tree, as `amtool config
routes test` would send them. `dashsmith test` prints it (summary); the routing rules
(dashsmith.checks.rules.routing_*) judge it: an alert that reaches no one, or other receivers
than it declares it expects (`Alert(expect_receivers=[...])`)."""

from __future__ import annotations

from dataclasses import dataclass

from dashsmith.model.rules import Alert
from dashsmith.routing import resolve


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


def is_black_hole(routing, name: str) -> bool:
    """A receiver that notifies no one: not declared, or declared without integrations."""
    receiver = routing.receiver_named(name)
    return receiver is None or receiver.black_hole


def report(estate) -> list[str]:
    """One line per alert: its labels and the receivers it reaches, with the grouping."""
    lines = []
    for item in sorted(routed_alerts(estate), key=lambda i: i.alert.name):
        labels = ",".join(f"{k}={v}" for k, v in sorted(item.labels.items()))
        targets = "; ".join(_destination(d) for d in item.destinations)
        lines.append(f"{item.alert.name} {{{labels}}} → {targets}")
    return lines


def summary(estate) -> list[str]:
    """What `dashsmith test` prints about the routing: how many alerts go through how many
    receivers, then each alert with its receivers (report)."""
    if estate.routing is None:
        return ["routing: no Routing declared; alerts reach no one"]
    return [f"routing: {len(estate.alerts())} alerts through {len(estate.routing.receivers)} "
            "receivers"] + [f"  {line}" for line in report(estate)]


def _destination(destination: resolve.Destination) -> str:
    text = f"{destination.receiver} (group_by {','.join(destination.group_by) or '-'}"
    if destination.mute:
        text += f"; muted in {', '.join(destination.mute)}"
    if destination.active:
        text += f"; active in {', '.join(destination.active)}"
    return text + ")"
