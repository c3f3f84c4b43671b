from __future__ import annotations

from ..rule import Rule


class RoutingSecret(Rule):
    """A Slack webhook URL or PagerDuty routing key is written as a plain string.

    It would be written into the build and the repository; read it from a file or the
    environment at deploy time instead.

    Anti-pattern:
        Slack("#ai-alerts", api_url="https://hooks.slack.com/services/T000/B000/XXXX")

    Best practice:
        Slack("#ai-alerts", api_url=secret_env("SLACK_AI_ALERTS_WEBHOOK_URL"))
    """

    id = "routing/secret"
    structural = True
