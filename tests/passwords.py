"""Passwords in the test process: hashed at argon2's lowest cost, except where it matters.

Four argon2 hashes at production cost (19 MiB, 2 passes) took half a second per web test, so
tests/conftest.py hashes at the lowest cost in this process. What a server the tests start
stores is hashed as production hashes it: by its own `gapwise` process, or here inside
`hashed_as_in_production` (the demo copied into a live server's folder, tests/servers.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from argon2 import PasswordHasher

from app.auth import secrets

PRODUCTION_PASSWORD_HASHER = secrets.PASSWORD_HASHER  # read before conftest swaps it
CHEAP_PASSWORD_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@contextmanager
def hashed_as_in_production() -> Iterator[None]:
    """Passwords set inside the block are hashed at production cost (one thread at a time)."""
    kept = secrets.PASSWORD_HASHER
    secrets.PASSWORD_HASHER = PRODUCTION_PASSWORD_HASHER
    try:
        yield
    finally:
        secrets.PASSWORD_HASHER = kept
