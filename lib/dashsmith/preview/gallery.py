"""One page with the pictures of every changed dashboard, before and after, for a reviewer who
follows a link from the pull-request comment.

The pictures are inside the page (data: URIs), so that the page is one file: GitHub shows an
artifact uploaded unzipped (actions/upload-artifact v7, `archive: false`) in the browser when
it is a simple HTML file without links to other files. Each dashboard is under an anchor named
by its uid, which the comment links to.
"""

from __future__ import annotations

import base64
import html

PAGE = "index.html"  # its name in the --previews directory


def page(title: str, dashboards: list[tuple[str, str, dict[str, bytes]]]) -> bytes:
    """The page for (uid, title, {"before" | "after": PNG bytes}) of each changed dashboard."""
    sections = []
    for uid, dashboard_title, pictures in dashboards:
        figures = "".join(
            f'<figure><figcaption>{side}</figcaption><img alt="{html.escape(dashboard_title)} '
            f'{side}" src="data:image/png;base64,{base64.b64encode(png).decode()}"></figure>'
            for side, png in pictures.items())
        sections.append(f'<section id="{html.escape(uid)}"><h2>{html.escape(dashboard_title)} '
                        f'<code>{html.escape(uid)}</code></h2>{figures}</section>')
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{html.escape(title)}"
            "</title><style>body{background:#111217;color:#ccccdc;font-family:sans-serif}"
            "figure{margin:0 0 1em}img{max-width:100%}</style></head><body>"
            f"<h1>{html.escape(title)}</h1>{''.join(sections)}</body></html>\n").encode()
