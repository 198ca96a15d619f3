"""Drawing a deliverable (PDF, deck) in a separate process, with a time limit.

Off the web workers, so a slow render never holds a request thread, and a render that runs
past its limit is stopped instead of piling up.
"""

from __future__ import annotations

import multiprocessing
import threading
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
    """`render(data)` in a process of its own, used for this one render: the one
    `prepare_worker` started ahead (already past its imports), else a fresh one; stopped
    (ReportFailed) past the time limit."""
    pool = _take_worker()
    try:
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
    finally:
        pool.shutdown(wait=False)  # its process ends once this render is done


# The render process started ahead of the next report (by the web server, not the CLI): a
# process per render, as before, without a report waiting for Python to import WeasyPrint
# and matplotlib and for the first render to load fonts (about 2 s of a quiet machine).
_spare: ProcessPoolExecutor | None = None
_spare_lock = threading.Lock()


def prepare_worker() -> None:
    """Start the next render's process now, unless one is waiting already."""
    global _spare
    with _spare_lock:
        if _spare is None:
            _spare = _new_worker()
            _spare.submit(_warm_up)  # starts the process; it imports and warms up meanwhile


def discard_worker() -> None:
    """Stop the waiting render process, if any (the server is stopping)."""
    global _spare
    with _spare_lock:
        spare, _spare = _spare, None
    if spare is not None:
        for process in list(spare._processes.values()):
            process.terminate()  # it holds no render: at most its warm-up
        spare.shutdown(wait=False, cancel_futures=True)


def _take_worker() -> ProcessPoolExecutor:
    global _spare
    with _spare_lock:
        spare, _spare = _spare, None
    return spare or _new_worker()


def _new_worker() -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))


def _warm_up() -> None:
    """In a render process before its render: the imports, and a first tiny render of each
    kind, which loads the fonts."""
    import io  # noqa: PLC0415 (in the render process only)

    from matplotlib.figure import Figure  # noqa: PLC0415
    from weasyprint import HTML  # noqa: PLC0415

    import app.reports.pdf  # noqa: F401, PLC0415

    HTML(string="<p>Gapwise</p>").write_pdf()
    figure = Figure(figsize=(1, 1))
    figure.add_subplot().plot([0, 1])
    figure.savefig(io.BytesIO(), format="svg")
