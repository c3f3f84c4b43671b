"""Who hears about which alert. Each team (ai, app, infra, database) owns the alerts of its
modules: critical pages its PagerDuty service and posts to its Slack channel, warning posts,
info opens a ticket (infra: an email). Anything else goes to #platform-alerts. Compiled to
alertmanager.yml; `dashsmith test` routes every alert through it."""

from alerts import ai, node, postgres, slo, tradingagents
from dashsmith import (Email, Inhibit, PagerDuty, Period, Receiver, Route, Routing, Slack, Smtp,
                       TimeInterval, Webhook, alerts_of, secret_env)

MAINTENANCE = "maintenance"


def _slack(channel: str) -> Slack:
    """One incoming webhook per channel. Deploy reads its URL from the environment
    (#ai-alerts: SLACK_AI_ALERTS_WEBHOOK_URL) and writes it where Alertmanager reads it."""
    name = channel[1:]
    variable = f"SLACK_{name.upper().replace('-', '_')}_WEBHOOK_URL"
    path = f"/etc/alertmanager/secrets/slack-{name}"
    return Slack(channel, api_url=secret_env(variable, path=path))


def _team(name: str, channel: str, owns, info: str, group_by=None, mute=()):
    """A team's two receivers and its route: its alerts, then one child route per severity."""
    page = Receiver(f"{name}-page", [
        PagerDuty(routing_key=secret_env(f"PAGERDUTY_{name.upper()}_ROUTING_KEY")),
        _slack(channel),
    ])
    chat = Receiver(f"{name}-slack", [_slack(channel)])
    route = Route(owns, group_by=group_by, routes=[
        Route('severity="critical"', receiver=page.name, group_wait="10s", repeat_interval="1h"),
        Route('severity="warning"', receiver=chat.name, mute=list(mute)),
        Route('severity="info"', receiver=info, repeat_interval="24h", mute=list(mute)),
    ])
    return [page, chat], route


ai_receivers, ai_route = _team(
    "ai", "#ai-alerts", alerts_of(ai.ai, slo.llm_availability, slo.llm_latency), "tickets")
app_receivers, app_route = _team(
    "app", "#trading-alerts", alerts_of(tradingagents.application), "tickets")
infra_receivers, infra_route = _team(
    "infra", "#infra-alerts", alerts_of(node.node), "infra-email",
    group_by=["alertname", "instance"], mute=[MAINTENANCE])
database_receivers, database_route = _team(
    "database", "#database-alerts", alerts_of(postgres.postgres), "tickets",
    group_by=["alertname", "instance"], mute=[MAINTENANCE])

APP_TARGET_DOWN = "AppTargetDown|AppTargetMissing"

# (critical alert, the warning it supersedes, the labels both carry)
ESCALATIONS = [
    ("AIErrorRatioCritical", "AIErrorRatioHigh", ["provider"]),
    ("NodeFilesystemAlmostOutOfSpaceCritical", "NodeFilesystemAlmostOutOfSpace",
     ["instance", "mountpoint"]),
    ("PostgresqlConnectionsExhausted", "PostgresqlTooManyConnections", ["instance"]),
]

routing = Routing(
    receiver="platform-slack",
    group_by=["alertname"],
    group_wait="30s",
    group_interval="5m",
    repeat_interval="4h",
    routes=[ai_route, app_route, infra_route, database_route],
    receivers=[
        Receiver("platform-slack", [_slack("#platform-alerts")]),
        Receiver("tickets", [Webhook("http://tickets.trading.internal:8080/hooks/alertmanager")]),
        Receiver("infra-email", [Email("infra-oncall@trading.example")]),
        *ai_receivers, *app_receivers, *infra_receivers, *database_receivers,
    ],
    inhibit=[
        # A critical alert supersedes the warning (or info) of the same alert; an SLO's page
        # supersedes its ticket.
        Inhibit(target='severity=~"warning|info"', by='severity="critical"',
                equal=["alertname", "instance"]),
        Inhibit(target=['slo!=""', 'severity=~"warning|info"'],
                by=['slo!=""', 'severity="critical"'], equal=["slo"]),
        *[Inhibit(target={"alertname": warning}, by={"alertname": critical}, equal=equal)
          for critical, warning, equal in ESCALATIONS],
        # While Prometheus cannot scrape the platform, its AI and application alerts are blind.
        Inhibit(target=[alerts_of(ai.ai, tradingagents.application),
                        f'alertname!~"{APP_TARGET_DOWN}"'],
                by=f'alertname=~"{APP_TARGET_DOWN}"'),
        # PostgreSQL down: the other database alerts of that instance say nothing new.
        Inhibit(target=[alerts_of(postgres.postgres), 'alertname!="PostgresqlDown"'],
                by='alertname="PostgresqlDown"', equal=["instance"]),
    ],
    time_intervals=[
        # Host and database maintenance: Sundays 02:00-04:00 London time; critical still pages.
        TimeInterval(MAINTENANCE, [Period(weekdays=["sunday"], times=["02:00-04:00"],
                                          location="Europe/London")]),
    ],
    smtp=Smtp("smtp.trading.internal:587", sender="alertmanager@trading.example",
              auth_username="alertmanager", auth_password=secret_env("SMTP_PASSWORD")),
)
