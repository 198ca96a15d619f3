"""Radar chart render time for the demo assessment: cold (drawn) and cached (read from disk).

Run: .venv/bin/python benchmarks/charts.py
Prints figures; it asserts nothing. Uses a throw-away data folder.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from app.db.results import results_of  # noqa: E402
from app.reports import charts  # noqa: E402
from app.reports.cache import cached  # noqa: E402
from benchmarks.demo import demo_assessment  # noqa: E402

RUNS = 10


def _ms(seconds: list[float]) -> str:
    return (
        f"first {seconds[0] * 1000:.2f} ms, median {statistics.median(seconds) * 1000:.2f} ms, "
        f"max {max(seconds) * 1000:.2f} ms"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        with demo_assessment(Path(folder)) as (session, assessment):
            started = time.perf_counter()
            data = results_of(session=session, assessment=assessment)
            scoring = time.perf_counter() - started
        cold = []
        for _ in range(RUNS):
            started = time.perf_counter()
            svg = charts.radar_chart(data.results, data.framework)
            cold.append(time.perf_counter() - started)
        directory = Path(folder) / "cache"
        cached(directory, "radar.svg", data.version, lambda: svg)
        warm = []
        for _ in range(RUNS):
            started = time.perf_counter()
            cached(directory, "radar.svg", data.version, lambda: b"")
            warm.append(time.perf_counter() - started)
    print(f"scoring the demo (9 participants, 98 criteria): {scoring * 1000:.1f} ms")
    print(f"radar SVG drawn ({len(svg) // 1024} KiB), {RUNS} runs: {_ms(cold)}")
    print(f"radar SVG from the cache, {RUNS} runs: {_ms(warm)}")


if __name__ == "__main__":
    main()
