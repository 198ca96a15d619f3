"""Logging for `gapwise serve`: uvicorn's own format, and no invite link in any line.

An invite link (`/p/<secret>/...`) is a bearer secret: whoever reads it can answer as that
participant. uvicorn's access log writes every path in full, and errors name the path too,
so a filter on every handler replaces the secret before a line is written, whichever logger
wrote it (uvicorn's, Gapwise's, a library's through the root logger).
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

from uvicorn.config import LOGGING_CONFIG

INVITE_PATH = re.compile(r"/p/[^/?#\s\"']+")
REDACTED = "/p/[invite]"


def redacted(text: str) -> str:
    """The text with every invite link's secret replaced."""
    return INVITE_PATH.sub(REDACTED, text)


def _redacted(value: object) -> object:
    return redacted(value) if isinstance(value, str) else value


class RedactInviteLinks(logging.Filter):
    """Rewrites the message, its arguments and its traceback; drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _redacted(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redacted(arg) for key, arg in record.args.items()}
        if record.exc_info and not record.exc_text:
            record.exc_text = redacted(logging.Formatter().formatException(record.exc_info))
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's logging setup, with the filter on every handler and a root logger using it."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"invite_links": {"()": RedactInviteLinks}}
    for handler in config["handlers"].values():
        handler["filters"] = ["invite_links"]
    config["root"] = {"handlers": ["default"], "level": "WARNING"}
    config["loggers"]["gapwise"] = {"level": "INFO"}  # unexpected errors, through the root
    return config
