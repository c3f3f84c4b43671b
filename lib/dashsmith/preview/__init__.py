"""Pictures of dashboards, drawn as Grafana lays them out, for `dashsmith preview` and the
before/after pictures of `dashsmith diff --previews`.

  picture   a dashboard's layout drawn to PNG and SVG (matplotlib, the `preview` extra)
  data      the series a dashboard's panels would show, read from Prometheus with Grafana's step
  gallery   one HTML page holding many pictures
  units     Grafana's units, as the axes show them
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dashsmith.preview.data import DashboardData
    from dashsmith.preview.picture import Picture


class MissingExtra(Exception):
    """matplotlib, which draws, is not installed (a plain install lacks the preview extra)."""


def renderer() -> Callable[[dict, DashboardData | None], Picture]:
    """picture.render, or MissingExtra when matplotlib is not installed."""
    try:
        from dashsmith.preview.picture import render
    except ModuleNotFoundError as error:
        if error.name is None or error.name.split(".")[0] != "matplotlib":
            raise
        raise MissingExtra("pictures of dashboards need matplotlib, which comes with the "
                           "preview extra: pip install 'dashsmith[preview]'") from None
    return render
