"""Drawing a deliverable (PDF, deck) in a separate process, with a time limit.

Off the web workers, so a slow render never holds a request thread, and a render that runs
past its limit is stopped instead of piling up.
"""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from typing import TypeVar

TIME_LIMIT_SECONDS = 120
# Objects allocated between two runs of Python's cycle collector (Python's default is 700).
# A render allocates millions of short-lived objects (boxes, text layouts, PDF operators),
# so at 700 the collector ran about 460 times per demo report, three of them over the
# whole heap: 0.5-0.7 s of a 3.2 s render. At 20,000 it takes well under 0.1 s, and the
# peak memory stays the same (a render keeps few cycles; the process ends after it anyway).
RENDER_COLLECTOR_THRESHOLD = 20_000
Data = TypeVar("Data")
Result = TypeVar("Result")


class ReportFailed(Exception):
    """The report could not be rendered in time, or the renderer failed; the message says which."""


def render_in_worker(
    render: Callable[[Data], bytes], data: Data, time_limit: float = TIME_LIMIT_SECONDS
) -> bytes:
    """`render(data)` in a process of its own, used for this one render: the one
    `prepare_worker` started ahead (past its imports, or on its way), else a fresh one.
    ReportFailed says why there is no document: the renderer's error, a process that died,
    or the time limit (the process is then stopped)."""
    with sent_to_render():
        return _take_worker().render(render, data, time_limit)


_sent = 0  # renders this process has under way in render processes
_sent_ended = threading.Condition()


@contextmanager
def sent_to_render() -> Iterator[None]:
    """A render under way in a render process, for `after_renders`."""
    global _sent
    with _sent_ended:
        _sent += 1
    try:
        yield
    finally:
        with _sent_ended:
            _sent -= 1
            _sent_ended.notify_all()


def after_renders(timeout: float) -> None:
    """Return once no render this process sent is under way, or after `timeout` seconds. For
    background work that would take a core from a render: on a 2-core machine the report's
    charts are drawn beside it on the second core (`beside`)."""
    with _sent_ended:
        _sent_ended.wait_for(lambda: _sent == 0, timeout)


_collector_lock = threading.Lock()
_rendering = 0  # renders in progress in this process (tests and benchmarks render in process)
_saved_thresholds = gc.get_threshold()


@contextmanager
def sparing_collector() -> Iterator[None]:
    """Run the cycle collector less often inside the block (see RENDER_COLLECTOR_THRESHOLD);
    the process's own thresholds are back once the last render in it ends."""
    global _rendering, _saved_thresholds
    with _collector_lock:
        if _rendering == 0:
            _saved_thresholds = gc.get_threshold()
            gc.set_threshold(RENDER_COLLECTOR_THRESHOLD, *_saved_thresholds[1:])
        _rendering += 1
    try:
        yield
    finally:
        with _collector_lock:
            _rendering -= 1
            if _rendering == 0:
                gc.set_threshold(*_saved_thresholds)


BESIDE_TIME_LIMIT = 30  # seconds the copy may take (a report's charts take under one)


@contextmanager
def beside(
    work: Callable[[], Result], *, fork: bool | None = None, time_limit: int = BESIDE_TIME_LIMIT
) -> Iterator[Callable[[], Result]]:
    """Start `work()` on the machine's other core, in a forked copy of this process, while the
    block goes on; the block gets a function that waits for its result.

    A render process forks (one Python thread, everything imported: the copy starts at once).
    A process with other Python threads (the web server; a test run, once a test started one)
    does not, since a fork copies the locks those threads hold but not the threads; nor does
    anything but Linux. `work()` then runs when its result is first asked for. So it does when
    the fork is refused, or the copy fails, dies or takes past `time_limit` seconds: the same
    result, or the same error. The copy is stopped, if still running, when the block ends.
    """
    if fork is None:
        fork = sys.platform == "linux" and threading.active_count() == 1
    copy = _forked(work, time_limit) if fork else None
    if copy is None:
        yield functools.cache(work)
        return
    pid, reading = copy

    @functools.cache
    def result() -> Result:
        try:
            if reading.poll(time_limit):
                drawn: Result = reading.recv()
                return drawn
        except (EOFError, OSError):  # it failed or died
            pass
        return work()

    try:
        yield result
    finally:
        reading.close()
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)  # a copy still at work: its result is not wanted
        os.waitpid(pid, 0)


def _forked(work: Callable[[], Result], time_limit: int) -> tuple[int, Connection] | None:
    """(pid, the end to read from) of a copy sending `work()`'s result; None if refused."""
    reading, writing = multiprocessing.Pipe(duplex=False)
    try:
        pid = os.fork()
    except OSError:  # no process to spare (memory, a process limit)
        reading.close()
        writing.close()
        return None
    if pid == 0:  # the copy: whatever happens, it ends here, never back in the caller's code
        code = 1
        try:
            signal.alarm(time_limit)  # and on its own, should its render process be stopped
            reading.close()
            writing.send(work())
            code = 0
        finally:
            os._exit(code)  # nor its exit handlers, nor its unwritten output
    writing.close()
    return pid, reading


class _RenderProcess:
    """A spawned process that takes one render through a pipe, sends back the document (or
    the renderer's error) and ends: what one render did in it cannot touch the next one."""

    def __init__(self, *, warm: bool, ahead: Callable[[], object] | None = None) -> None:
        # Pickled first: work that cannot travel fails here, before a process is started.
        told = None if ahead is None else bytes(ForkingPickler.dumps(ahead))
        context = multiprocessing.get_context("spawn")
        self._connection, theirs = context.Pipe()
        self.process = context.Process(
            target=_serve_one, args=(theirs, warm, told is not None), daemon=True
        )
        self.process.start()
        theirs.close()
        self._sending: threading.Thread | None = None
        if told is not None:  # through the pipe, not as an argument (see `_send_later`)
            self._send_later(told)

    def render(self, render: Callable[[Data], bytes], data: Data, time_limit: float) -> bytes:
        """The document. Whatever goes wrong, the process is stopped before the pipe is
        closed; after a document or the renderer's error it ends by itself."""
        try:  # pickled here, so a request that cannot travel fails now, not at the time limit
            request = bytes(ForkingPickler.dumps((render, data)))
        except Exception as exc:
            self.stop()
            raise ReportFailed(f"the report could not be rendered: {exc}") from None
        self._send_later(request)  # the time limit below holds even if it is never read
        answered = False
        try:
            if not self._connection.poll(time_limit):
                raise ReportFailed(f"the report took longer than {time_limit:g} s and was stopped")
            rendered, outcome = self._connection.recv()
            answered = True
        except (EOFError, OSError):  # it died: out of memory, killed, a failed start
            raise ReportFailed("the report could not be rendered: its process stopped") from None
        finally:
            if answered:  # it ends by itself; multiprocessing reaps it when the next starts
                self._connection.close()
            else:
                self.stop()  # first, so no send is under way when the pipe closes
        if not rendered:
            raise ReportFailed(f"the report could not be rendered: {outcome}")
        return outcome

    def stop(self) -> None:
        """End the process now, whatever it is doing (a render past its time limit, a
        warm-up no render will follow), then close the pipe; it holds nothing to save."""
        self.process.terminate()
        self.process.join(timeout=10)
        if self.process.is_alive():  # it did not take the hint (a render in C code, say)
            self.process.kill()
            self.process.join()
        if self._sending is not None:
            self._sending.join()  # its send fails now that nobody can read the pipe
        self._connection.close()

    def _send_later(self, message: bytes) -> None:
        """Send `message` from a thread, after those sent before. A message larger than the
        pipe holds waits there until the process, still warming up, reads it; so does a
        process's argument, in `start()`, which held a request for half a second."""
        before = self._sending
        self._sending = threading.Thread(target=self._send, args=(message, before), daemon=True)
        self._sending.start()

    def _send(self, message: bytes, before: threading.Thread | None) -> None:
        if before is not None:
            before.join()
        with suppress(OSError):  # the process was stopped before it read the message
            self._connection.send_bytes(message)


def _serve_one(connection: Connection, warm: bool, told_ahead: bool) -> None:
    """In the render process: warm up (if started ahead), do the work it is told to do
    ahead (if any, the pipe's first message), then one render, whose document or error goes
    back through the pipe."""
    try:
        if warm:
            _quietly(_warm_up)
        if told_ahead:
            ahead = connection.recv_bytes()
            _quietly(lambda: ForkingPickler.loads(ahead)())
        request = connection.recv_bytes()
    except EOFError:  # discarded without a render
        return
    try:
        render, data = ForkingPickler.loads(request)
        outcome = (True, render(data))
    except Exception as exc:  # the renderer's own error, told to the web server
        outcome = (False, str(exc) or type(exc).__name__)
    connection.send(outcome)


def _quietly(preparing: Callable[[], object]) -> None:
    """Work done ahead only saves time: if it fails, the render says what fails."""
    with suppress(Exception):
        preparing()


# The render process started ahead of the next report (by the web server, not the CLI): a
# process per render, as before, without a report waiting for Python to import WeasyPrint
# and matplotlib and for the first render to load fonts (about 2 s of a quiet machine).
_spare: _RenderProcess | None = None
_spare_lock = threading.Lock()


def prepare_worker(ahead: Callable[[], object] | None = None) -> None:
    """Start the next render's process now, unless one is waiting already. It imports and
    warms up meanwhile, then runs `ahead()` (picklable): work the next render can reuse."""
    global _spare
    with _spare_lock:
        if _spare is None:
            _spare = _RenderProcess(warm=True, ahead=ahead)


def discard_worker() -> None:
    """Stop the waiting render process, if any (the server is stopping)."""
    global _spare
    with _spare_lock:
        spare, _spare = _spare, None
    if spare is not None:
        spare.stop()


def _take_worker() -> _RenderProcess:
    global _spare
    with _spare_lock:
        spare, _spare = _spare, None
    return spare or _RenderProcess(warm=False)


def _warm_up() -> None:
    """In a render process before its render: the imports, and a first tiny render of each
    kind, which loads the fonts."""
    import io  # noqa: PLC0415 (in the render process only)

    from matplotlib.figure import Figure  # noqa: PLC0415
    from weasyprint import HTML  # noqa: PLC0415

    from app.reports.pdf import report_templates  # noqa: PLC0415

    report_templates().get_template("report.html")  # compiled before the report is asked for
    HTML(string="<p>Gapwise</p>").write_pdf()
    figure = Figure(figsize=(1, 1))
    figure.add_subplot().plot([0, 1])
    figure.savefig(io.BytesIO(), format="svg")
