"""The disk cache of charts and reports: one render per file and version, even when asked
at once from several threads."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.reports.cache import cached


def test_threads_asking_for_the_same_file_at_once_render_it_once(tmp_path: Path) -> None:
    renders: list[int] = []
    start = threading.Barrier(8)

    def render() -> bytes:
        renders.append(1)
        time.sleep(0.2)  # long enough for every other thread to arrive
        return b"chart"

    def ask() -> bytes:
        start.wait()
        return cached(tmp_path, "radar.svg", "v1", render)

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: ask(), range(8)))

    assert answers == [b"chart"] * 8
    assert len(renders) == 1


def test_a_new_version_renders_again_and_replaces_the_old_file(tmp_path: Path) -> None:
    assert cached(tmp_path, "radar.svg", "v1", lambda: b"one") == b"one"
    assert cached(tmp_path, "radar.svg", "v1", lambda: b"never") == b"one"
    assert cached(tmp_path, "radar.svg", "v2", lambda: b"two") == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["radar.svg.v2"]


def test_a_render_that_fails_leaves_nothing_and_the_next_ask_renders(tmp_path: Path) -> None:
    def fail() -> bytes:
        raise RuntimeError("matplotlib fell over")

    with pytest.raises(RuntimeError):
        cached(tmp_path, "radar.svg", "v1", fail)
    assert list(tmp_path.iterdir()) == []
    assert cached(tmp_path, "radar.svg", "v1", lambda: b"chart") == b"chart"
