"""The alert routing's rules (alerts/routing.py, compiled to alertmanager.yml). The checks live
with the routing (dashsmith.routing.validate and .checks); lint runs them and documents their
ids here, so `--explain` and suppressions know them."""

from __future__ import annotations

from ...problems import Severity
from ..rule import Rule


class RoutingReceiver(Rule):
    """A route sends to a receiver that is not declared, or a receiver has an integration
    dashsmith does not know.

    Anti-pattern:
        Route('severity="critical"', receiver="ai-pager")     # the receiver is "ai-page"

    Best practice:
        Route('severity="critical"', receiver="ai-page")
    """

    id = "routing/receiver"
    structural = True


class RoutingDuplicate(Rule):
    """A receiver or a time interval is declared twice.

    Anti-pattern:
        Receiver("ai-slack", [...]), Receiver("ai-slack", [...])

    Best practice:
        One Receiver per name; routes refer to it by that name.
    """

    id = "routing/duplicate"
    structural = True


class RoutingDuration(Rule):
    """A route's group_wait, group_interval or repeat_interval is not a duration (or is 0).

    Anti-pattern:
        Route(..., repeat_interval="hourly")

    Best practice:
        Route(..., repeat_interval="1h")
    """

    id = "routing/duration"
    structural = True


class RoutingGroupBy(Rule):
    """A route's group_by holds something that is not a label name.

    Anti-pattern:
        Route(..., group_by=["alert name"])

    Best practice:
        Route(..., group_by=["alertname", "instance"])
    """

    id = "routing/group-by"
    structural = True


class RoutingInhibit(Rule):
    """An inhibition lacks matchers on one side (so it matches every alert), or its `equal`
    holds something that is not a label name.

    Anti-pattern:
        Inhibit(target='severity="warning"', by="", equal=["alertname"])

    Best practice:
        Inhibit(target='severity="warning"', by='severity="critical"', equal=["alertname"])
    """

    id = "routing/inhibit"
    structural = True


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


class RoutingTimeInterval(Rule):
    """A route names a time interval that is not declared, or a period's time range is not
    HH:MM-HH:MM.

    Anti-pattern:
        Route(..., mute=["maintainance"])

    Best practice:
        Route(..., mute=["maintenance"])  with TimeInterval("maintenance", [...]) declared
    """

    id = "routing/time-interval"
    structural = True


class RoutingUnusedReceiver(Rule):
    """A receiver no route sends to.

    Anti-pattern:
        Receiver("db-page", [...])     # and no Route(..., receiver="db-page")

    Best practice:
        Route it, or remove it.
    """

    id = "routing/unused-receiver"
    severity = Severity.WARNING


class RoutingMissing(Rule):
    """Alerts are declared but no Routing is, so no alert reaches anyone.

    Anti-pattern:
        alerts/ with rule groups, and no Routing(...) in alerts/routing.py

    Best practice:
        routing = Routing(receiver="platform-slack", routes=[...], receivers=[...])
    """

    id = "routing/missing"
    severity = Severity.WARNING


class RoutingBlackHole(Rule):
    """An alert reaches only receivers without integrations: it notifies no one.

    Anti-pattern:
        Receiver("null")  as the only receiver an alert's route reaches

    Best practice:
        Route the alert to a receiver with Slack, PagerDuty, Email or a Webhook.
    """

    id = "routing/black-hole"


class RoutingExpectedReceivers(Rule):
    """An alert reaches other receivers than it declares it expects.

    Alert(..., expect_receivers=[...]) (for an SLO: expect_page_receivers=,
    expect_ticket_receivers=) pins where an alert must go; a routing change that moves it
    is caught here, and by `dashsmith test`.

    Anti-pattern:
        Alert("AIRateLimited", ..., expect_receivers=["ai-slack"])   # routed to platform-slack

    Best practice:
        Fix the route, or the expectation if the move is meant.
    """

    id = "routing/expected-receivers"


class RoutingAmtool(Rule):
    """`amtool check-config` refuses the compiled alertmanager.yml.

    lint runs Alertmanager's own checker with the other tools (not with --no-tools) when amtool
    is installed; where DASHSMITH_REQUIRE_LIVE is set it must be.

    Anti-pattern:
        a Webhook whose URL is not a URL

    Best practice:
        what amtool says; the finding quotes it
    """

    id = "routing/amtool"
