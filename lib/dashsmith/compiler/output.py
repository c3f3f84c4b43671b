"""Write a whole output tree so that readers see the old tree or the new one, never a mix."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile

MARKER = ".dashsmith-build"


class OutputError(Exception):
    pass


def replace_tree(out_dir: str, files: dict[str, bytes]) -> None:
    """Make `out_dir` hold exactly `files` (relative path → bytes)."""
    out_dir = os.path.abspath(out_dir)
    check_replaceable(out_dir)
    parent = os.path.dirname(out_dir)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=f".{os.path.basename(out_dir)}.new-", dir=parent)
    os.chmod(staging, 0o755)
    try:
        written: dict[int, str] = {}  # the same bytes object under two paths: one file, linked
        for path, data in files.items():
            target = os.path.join(staging, path)
            if id(data) in written:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                os.link(written[id(data)], target)
            else:
                _write(target, data)
                written[id(data)] = target
        _write(os.path.join(staging, MARKER), b"")
        _swap(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def check_replaceable(out_dir: str) -> None:
    """OutputError unless replace_tree may replace `out_dir`: absent, empty, or dashsmith's."""
    if os.path.exists(out_dir) and not _is_ours(out_dir):
        raise OutputError(f"{out_dir} exists and was not written by dashsmith "
                          f"(no {MARKER} file); refusing to replace it")


def _is_ours(path: str) -> bool:
    return os.path.isdir(path) and (os.path.exists(os.path.join(path, MARKER))
                                    or not os.listdir(path))


def _write(path: str, data: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)


def _swap(new: str, target: str) -> None:
    """Put `new` at `target`; the old tree (if any) ends up at `new` for the caller to delete."""
    if not os.path.exists(target):
        os.rename(new, target)
        os.makedirs(new)  # so the caller's cleanup finds what it expects
        return
    if not _exchange(new, target):
        # No renameat2 here: two renames, with a moment where target is missing.
        aside = new + ".old"
        os.rename(target, aside)
        os.rename(new, target)
        os.rename(aside, new)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: str, b: str) -> bool:
    """Atomically exchange two paths (Linux renameat2 with RENAME_EXCHANGE)."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result: int = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
