from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from dashsmith.checks.context import Context
from dashsmith.checks.rule import Rule
from dashsmith.model.problems import Problem

if TYPE_CHECKING:
    from dashsmith.compiler.estate import Estate

# The field of each integration that holds a credential.
SECRET_FIELDS = {"Slack": "api_url", "PagerDuty": "routing_key"}


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

    def declared(self, estate: Estate, context: Context) -> Iterator[Problem]:
        if estate.routing is None:
            return
        # Imported here: only declarations have a routing (lint of files does not import it).
        from dashsmith.routing.receivers import INTEGRATIONS
        from dashsmith.routing.secrets import Secret

        for receiver in estate.routing.receivers:
            for integration in receiver.integrations:
                kind = type(integration).__name__
                field = SECRET_FIELDS.get(kind)
                if isinstance(integration, INTEGRATIONS) and field \
                        and not isinstance(getattr(integration, field), Secret):
                    yield self.problem(f"{kind} {field} of receiver '{receiver.name}' must be "
                                       "secret_file(...) or secret_env(...), so that it is never "
                                       "written into the build", integration.source)
