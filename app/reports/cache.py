"""A disk cache for rendered charts and reports, keyed by the assessment's data version.

Files live under the data folder, so every server worker shares them; writing goes through
a temporary file and a rename, so a reader never sees half a file.
"""

from __future__ import annotations

import secrets
import shutil
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

KEPT_PREFIX = "assessment-"  # + the assessment's id: the folder of its kept outputs, under cache/
_rendering: dict[Path, threading.Lock] = {}  # one render of a file at a time in this process
_rendering_guard = threading.Lock()


def cached(directory: Path, name: str, version: str, render: Callable[[], bytes]) -> bytes:
    """The bytes stored for `name` at `version`, rendering (and replacing older ones) if none.
    A thread that finds the same file being rendered waits for it rather than render it too
    (a view and the background warming, app/web/warming.py, often ask at once)."""
    path = directory / f"{name}.{version}"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    with _rendering_guard:
        rendering = _rendering.setdefault(path, threading.Lock())
    try:
        with rendering:
            try:
                return path.read_bytes()  # rendered while this thread waited
            except FileNotFoundError:
                return _render_and_keep(directory, name, path, render)
    finally:
        with _rendering_guard:
            _rendering.pop(path, None)


def _render_and_keep(directory: Path, name: str, path: Path, render: Callable[[], bytes]) -> bytes:
    started = time.time()
    content = render()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        partial = directory / f".{path.name}.{secrets.token_hex(4)}"
        partial.write_bytes(content)
        partial.replace(path)
    except FileNotFoundError:  # the folder was emptied meanwhile: served, not kept
        return content
    for older in directory.glob(f"{name}.*"):
        # Only files written before this render began: a render of an older version that ends
        # late must not delete the newer one written meanwhile.
        with suppress(FileNotFoundError):
            if older != path and older.stat().st_mtime < started:
                older.unlink()
    return content


def kept_outputs(data_dir: Path, assessment_id: int | None) -> Path:
    """The folder of an assessment's kept charts, reports and exports."""
    return data_dir / "cache" / f"{KEPT_PREFIX}{assessment_id}"


def forget_kept_outputs(data_dir: Path) -> None:
    """Remove every assessment's kept charts, reports and exports; at a server's start.

    They are kept by data version, and a database restored from an older dump (pg_restore,
    which Gapwise does not see) climbs again through versions under which the replaced
    data's outputs are kept. A server that starts draws them again as they are asked for.
    OSError says what could not be removed: a server must not start and serve it.
    """
    for directory in (data_dir / "cache").glob(f"{KEPT_PREFIX}*"):
        shutil.rmtree(directory)
