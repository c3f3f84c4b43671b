"""Alert routing as code: receivers, the routing tree, inhibitions and time intervals,
compiled to alertmanager.yml (alertmanager.py) and to Grafana contact points and
notification policies (grafana.py); resolve.py routes an alert's labels as Alertmanager does,
checks.py tests every alert against the tree."""

from dashsmith.routing.matchers import Matcher, alertnames, alerts_of
from dashsmith.routing.receivers import Email, PagerDuty, Receiver, Slack, Webhook
from dashsmith.routing.secrets import Secret, secret_env, secret_file
from dashsmith.routing.tree import Inhibit, Period, Route, Routing, Smtp, TimeInterval

__all__ = [
    "Email", "Inhibit", "Matcher", "PagerDuty", "Period", "Receiver", "Route", "Routing",
    "Secret", "Slack", "Smtp", "TimeInterval", "Webhook", "alertnames", "alerts_of",
    "secret_env", "secret_file",
]

