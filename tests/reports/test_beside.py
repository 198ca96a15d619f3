"""Work done beside a render, in a forked copy of its process (app.reports.worker.beside)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

import pytest

from app.reports.worker import beside

BIGGER_THAN_A_PIPE = 1_000_000  # bytes: a copy sending it waits for a reader


def _pid() -> int:
    return os.getpid()


def test_the_work_runs_in_a_copy_of_the_process_which_is_waited_for() -> None:
    with beside(_pid, fork=True) as result:
        done_by = result()
        assert result() == done_by  # asked twice, done once

    assert done_by != os.getpid()
    with pytest.raises(ChildProcessError):
        os.waitpid(done_by, os.WNOHANG)  # reaped: no process left behind


def test_without_a_fork_the_work_runs_here_once_and_only_when_asked() -> None:
    calls: list[int] = []

    with beside(lambda: calls.append(os.getpid()) or len(calls), fork=False) as result:
        assert calls == []
        assert result() == 1 and result() == 1

    assert calls == [os.getpid()]


def test_a_process_with_other_threads_does_not_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    with beside(_pid) as result:
        assert result() == os.getpid()

    monkeypatch.setattr(threading, "active_count", lambda: 1)  # a render process
    with beside(_pid) as result:
        assert result() != os.getpid()


def _in_the_copy(does: Callable[[], object]) -> Callable[[], int]:
    """Work that `does` something in the copy only, and gives this process's pid here."""
    parent = os.getpid()

    def work() -> int:
        if os.getpid() != parent:
            does()
        return parent

    return work


def test_a_copy_that_dies_or_fails_leaves_the_work_to_this_process() -> None:
    def fails() -> int:
        raise ValueError("the work's own error")

    with beside(_in_the_copy(lambda: os._exit(3)), fork=True) as result:
        assert result() == os.getpid()
    with beside(fails, fork=True) as result, pytest.raises(ValueError, match="work's own error"):
        result()


def test_a_result_nobody_asks_for_does_not_hold_the_block_or_leave_a_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ended = threading.Event()
    forks: list[int] = []
    real_fork = os.fork

    def counted_fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    def unread() -> None:
        with beside(lambda: b"x" * BIGGER_THAN_A_PIPE, fork=True):
            pass  # the render failed before it needed the charts, say
        ended.set()

    monkeypatch.setattr(os, "fork", counted_fork)
    threading.Thread(target=unread, daemon=True).start()

    assert ended.wait(timeout=30)
    with pytest.raises(ChildProcessError):
        os.waitpid(forks[0], os.WNOHANG)


def test_a_fork_refused_leaves_the_work_to_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused() -> int:
        raise BlockingIOError("Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)

    with beside(_pid, fork=True) as result:
        assert result() == os.getpid()


def test_a_copy_past_its_time_limit_is_stopped_and_the_work_done_here() -> None:
    slow = _in_the_copy(lambda: time.sleep(60))

    started = time.monotonic()
    with beside(slow, fork=True, time_limit=1) as result:
        assert result() == os.getpid()
    with beside(slow, fork=True, time_limit=60):
        pass  # the render failed before it asked for the charts, say

    assert time.monotonic() - started < 20  # neither waited for nor left running
