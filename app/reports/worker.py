"""Drawing a deliverable (PDF, deck) in a separate process, with a time limit.

Off the web workers, so a slow render never holds a request thread, and a render that runs
past its limit is stopped instead of piling up.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

TIME_LIMIT_SECONDS = 120
Data = TypeVar("Data")


class ReportFailed(Exception):
    """The report could not be rendered in time, or the renderer failed; the message says which."""


def render_in_worker(
    render: Callable[[Data], bytes], data: Data, time_limit: float = TIME_LIMIT_SECONDS
) -> bytes:
    """`render(data)` in a fresh process; stopped (ReportFailed) past the time limit."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        future = pool.submit(render, data)
        try:
            return future.result(timeout=time_limit)
        except FutureTimeout:
            for process in list(pool._processes.values()):
                process.terminate()
            raise ReportFailed(
                f"the report took longer than {time_limit:g} s and was stopped"
            ) from None
        except Exception as exc:  # the worker's own error, re-raised here
            raise ReportFailed(f"the report could not be rendered: {exc}") from None
