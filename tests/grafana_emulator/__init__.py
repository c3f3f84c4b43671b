"""A stateful emulator of the Grafana 11.3 HTTP API, for deploy tests.

No Grafana server can be installed here, so deploy tests talk to this emulator:
a real HTTP server on 127.0.0.1 (a free port) keeping folders, dashboards (with
versions), alert rules, contact points and policies in memory. It reproduces
/work/shared/reference/grafana-http-api.md, choosing Grafana 11.3's behaviour
where versions differ (/api/health reports "11.3.0"): for instance POST
/api/folders with an existing uid answers 409, dashboard versions are listed
as a bare array, and every dashboard save increments the version.

Where that document and Grafana's source disagree, the source wins: an alert
rule written with X-Disable-Provenance has provenance "" (none), which the
answers omit (`json:"provenance,omitempty"`), rather than the string "none".

Usage:

    with GrafanaEmulator(tokens={"glsa_admin": "Admin"}) as emu:
        api = GrafanaApi(auth="glsa_admin", host=emu.host, port=emu.port, protocol="http")
        emu.faults.add(method="POST", path_regex=r"/api/dashboards/db", status=503, times=2)
"""

from .emulator import GrafanaEmulator
from .errors import ApiError
from .faults import Fault, FaultInjector
from .instance import GRAFANA_VERSION
from .request_log import RecordedRequest

__all__ = ["GRAFANA_VERSION", "ApiError", "Fault", "FaultInjector", "GrafanaEmulator", "RecordedRequest"]
