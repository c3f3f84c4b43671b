"""Receivers: where notifications go. Each integration compiles to Alertmanager's
`<kind>_configs` entry and to a Grafana contact point; secrets stay Secret references until
deploy time (see secrets.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from dashsmith.model.source import Source, caller
from dashsmith.routing.secrets import Secret

# The same Go templates work in Alertmanager and in Grafana's contact points.
TITLE = ('[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}'
         '{{ end }}] {{ .CommonLabels.alertname }}')
TEXT = ("{{ range .Alerts }}*{{ .Annotations.summary }}*\n{{ .Annotations.description }}\n"
        "Runbook: {{ .Annotations.runbook_url }}\n{{ end }}")
PAGERDUTY_SEVERITY = "{{ .CommonLabels.severity }}"

# How a compiler turns a Secret into what it writes: a file path (Alertmanager) or the value
# (Grafana, at deploy time).
SecretPath = Callable[[Secret], str]
SecretValue = Callable[[Secret], str]


@dataclass
class Slack:
    channel: str
    api_url: Secret  # the incoming-webhook URL
    title: str = TITLE
    text: str = TEXT
    send_resolved: bool = True
    source: Source = field(default_factory=caller, compare=False)

    kind = "slack"

    def alertmanager(self, path: SecretPath) -> dict:
        return {"api_url_file": path(self.api_url), "channel": self.channel, "title": self.title,
                "text": self.text, "send_resolved": self.send_resolved}

    def grafana(self, value: SecretValue) -> dict:
        return {"url": value(self.api_url), "recipient": self.channel, "title": self.title,
                "text": self.text}

    def secrets(self) -> list[Secret]:
        return [self.api_url]


@dataclass
class PagerDuty:
    routing_key: Secret  # an Events API v2 integration key
    severity: str = PAGERDUTY_SEVERITY
    url: str | None = None  # the Events API, if not PagerDuty's own
    send_resolved: bool = True
    source: Source = field(default_factory=caller, compare=False)

    kind = "pagerduty"

    def alertmanager(self, path: SecretPath) -> dict:
        data = {"routing_key_file": path(self.routing_key), "severity": self.severity,
                "send_resolved": self.send_resolved}
        if self.url:
            data["url"] = self.url
        return data

    def grafana(self, value: SecretValue) -> dict:
        return {"integrationKey": value(self.routing_key), "severity": self.severity}

    def secrets(self) -> list[Secret]:
        return [self.routing_key]


@dataclass
class Email:
    to: str  # one address, or several separated by commas
    send_resolved: bool = False
    source: Source = field(default_factory=caller, compare=False)

    kind = "email"

    def alertmanager(self, path: SecretPath) -> dict:
        return {"to": self.to, "send_resolved": self.send_resolved}

    def grafana(self, value: SecretValue) -> dict:
        addresses = ";".join(a.strip() for a in self.to.split(",") if a.strip())
        return {"addresses": addresses, "singleEmail": False}

    def secrets(self) -> list[Secret]:
        return []


@dataclass
class Webhook:
    url: str | Secret  # a Secret compiles to url_file, which needs Alertmanager 0.26 or later
    send_resolved: bool = True
    max_alerts: int = 0
    source: Source = field(default_factory=caller, compare=False)

    kind = "webhook"

    def alertmanager(self, path: SecretPath) -> dict:
        data: dict[str, str | bool | int] = (
            {"url_file": path(self.url)} if isinstance(self.url, Secret) else {"url": self.url})
        data.update(send_resolved=self.send_resolved, max_alerts=self.max_alerts)
        return data

    def grafana(self, value: SecretValue) -> dict:
        url = value(self.url) if isinstance(self.url, Secret) else self.url
        return {"url": url, "httpMethod": "POST", "maxAlerts": self.max_alerts}

    def secrets(self) -> list[Secret]:
        return [self.url] if isinstance(self.url, Secret) else []


INTEGRATIONS = (Slack, PagerDuty, Email, Webhook)


@dataclass
class Receiver:
    """A named destination with its integrations; a receiver without any is a black hole."""

    name: str
    integrations: list = field(default_factory=list)
    source: Source = field(default_factory=caller, compare=False)

    @property
    def black_hole(self) -> bool:
        return not self.integrations
