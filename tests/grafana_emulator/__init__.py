"""A stateful emulator of the Grafana HTTP API (11.3 by default; 11.6, 12.4, 13.0, 13.2 on
request), for deploy tests.

No Grafana server can be installed here, so deploy tests talk to this emulator:
a real HTTP server on 127.0.0.1 (a free port) keeping folders, dashboards (with
versions), alert rules, contact points and policies in memory. It reproduces the
HTTP API contract of the shared reference notes (grafana-http-api.md for 11.3,
grafana-12-13.md for what changed since), choosing Grafana 11.3's behaviour by default
(/api/health reports "11.3.0"): for instance POST /api/folders with an existing uid answers
412, dashboard versions are listed as a bare array, and every dashboard save increments the
version.

`GrafanaEmulator(version="13.2.3")` imitates another release family instead (behaviour.py
names each switch and its evidence): 12.x and 13.x store dashboards and folders as API server
objects served both through /api and through /apis (apis.py, unified.py), with generations,
resource history, schema v2 dashboards, an eventually consistent search, managed objects.

Where the reference notes and Grafana's source disagree, the source wins: an alert
rule written with X-Disable-Provenance has provenance "" (none), which the
answers omit (`json:"provenance,omitempty"`), rather than the string "none".

Usage:

    with GrafanaEmulator(version="13.2.3", tokens={"glsa_admin": "Admin"}) as emu:
        api = GrafanaApi(auth="glsa_admin", host=emu.host, port=emu.port, protocol="http")
        emu.faults.add(method="POST", path_regex=r"/api/dashboards/db", status=503, times=2)
"""

from .behaviour import FAMILIES, Behaviour, behaviour_for
from .emulator import GrafanaEmulator
from .errors import ApiError
from .faults import Fault, FaultInjector
from .instance import GRAFANA_VERSION
from .request_log import RecordedRequest

__all__ = ["FAMILIES", "GRAFANA_VERSION", "ApiError", "Behaviour", "Fault", "FaultInjector",
           "GrafanaEmulator", "RecordedRequest", "behaviour_for"]
