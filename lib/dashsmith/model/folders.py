"""Folders: a dashboard's folder is a title path ('Platform/AI'); each level gets a stable uid."""

from __future__ import annotations

import hashlib
import re


def parts(path: str) -> list[str]:
    return [p.strip() for p in path.split("/") if p.strip()]


def folder_uid(path: str) -> str:
    """A uid derived from the title path, so it never changes while the path does not."""
    slug = re.sub(r"[^a-z0-9]+", "-", "/".join(parts(path)).lower()).strip("-") or "folder"
    if len(slug) <= 40:
        return slug
    digest = hashlib.sha1(slug.encode()).hexdigest()[:8]
    return f"{slug[:31]}-{digest}"


def lineage(path: str) -> list[tuple[str, str, str | None]]:
    """(uid, title, parent uid) for each level, parent first."""
    out: list[tuple[str, str, str | None]] = []
    parent: str | None = None
    names = parts(path)
    for depth in range(1, len(names) + 1):
        uid = folder_uid("/".join(names[:depth]))
        out.append((uid, names[depth - 1], parent))
        parent = uid
    return out
