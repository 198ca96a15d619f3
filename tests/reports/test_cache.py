"""The disk cache of charts and reports: one render per file and version, even when asked
at once from several threads."""

from __future__ import annotations

import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.reports import cache
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


def test_an_older_version_rendered_late_leaves_the_newer_file_alone(tmp_path: Path) -> None:
    """v1 starts drawing, an answer arrives, v2 is drawn and kept, then v1 ends: v2 stays."""
    v1_started, v2_kept = threading.Event(), threading.Event()

    def slow_v1() -> bytes:
        v1_started.set()
        assert v2_kept.wait(10)
        return b"one"

    with ThreadPoolExecutor(1) as pool:
        late = pool.submit(cached, tmp_path, "report.pdf", "v1", slow_v1)
        assert v1_started.wait(10)
        time.sleep(0.02)  # the file system's clock ticks between the two
        assert cached(tmp_path, "report.pdf", "v2", lambda: b"two") == b"two"
        v2_kept.set()
        assert late.result(10) == b"one"

    assert cached(tmp_path, "report.pdf", "v2", lambda: b"drawn again") == b"two"


def test_a_folder_emptied_while_a_file_is_kept_still_serves_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server starting (it empties the cache) beside one that serves the same folder."""
    directory = tmp_path / "assessment-1"
    token_hex = cache.secrets.token_hex

    def emptied_meanwhile(n: int) -> str:
        shutil.rmtree(directory)  # between the folder made and the file written
        return token_hex(n)

    monkeypatch.setattr(cache.secrets, "token_hex", emptied_meanwhile)

    assert cached(directory, "radar.svg", "v1", lambda: b"chart") == b"chart"
    assert not directory.exists()
