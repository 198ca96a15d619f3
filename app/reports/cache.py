"""A disk cache for rendered charts and reports, keyed by the assessment's data version.

Files live under the data folder, so every server worker shares them; writing goes through
a temporary file and a rename, so a reader never sees half a file.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path


def cached(directory: Path, name: str, version: str, render: Callable[[], bytes]) -> bytes:
    """The bytes stored for `name` at `version`, rendering (and replacing older ones) if none."""
    path = directory / f"{name}.{version}"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    content = render()
    directory.mkdir(parents=True, exist_ok=True)
    partial = directory / f".{path.name}.{secrets.token_hex(4)}"
    partial.write_bytes(content)
    partial.replace(path)
    for older in directory.glob(f"{name}.*"):
        if older != path:
            older.unlink(missing_ok=True)
    return content
