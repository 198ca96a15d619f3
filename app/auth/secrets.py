"""Passwords and random tokens: what is stored is never what the user holds."""

from __future__ import annotations

import hashlib
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane) or above.
PASSWORD_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    return PASSWORD_HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return PASSWORD_HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def unknown_user_hash() -> str:
    """A hash to check passwords against when no account has the email, so that answering
    "no such account" takes as long as "wrong password" and gives nothing away."""
    return hash_password(secrets.token_urlsafe(32))


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with other parameters than today's."""
    return PASSWORD_HASHER.check_needs_rehash(stored_hash)


def new_token(prefix: str = "") -> str:
    """256 random bits, URL-safe, with an optional readable prefix."""
    return prefix + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """Tokens are long and random, so a fast hash is enough to keep them unreadable at rest."""
    return hashlib.sha256(token.encode()).hexdigest()
