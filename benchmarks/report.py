"""The demo's PDF report: render time cold and cached, peak memory, and SVG against PNG charts.

Run: .venv/bin/python benchmarks/report.py
Prints figures; it asserts nothing. Uses a throw-away data folder. Each cold render runs in a
fresh process (as the server does), so its peak memory is that process's own.
"""

from __future__ import annotations

import multiprocessing
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from app.report_data import report_data_of  # noqa: E402
from app.reports.cache import cached  # noqa: E402
from app.reports.pdf import ReportData, render_pdf  # noqa: E402
from benchmarks.demo import demo_assessment  # noqa: E402

RUNS = 3


def _render_and_measure(data: ReportData, image_format: str, queue: multiprocessing.Queue) -> None:
    started = time.perf_counter()
    pdf = render_pdf(data, image_format)
    elapsed = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((elapsed, peak_kib, len(pdf)))


def cold_renders(data: ReportData, image_format: str) -> list[tuple[float, int, int]]:
    """Render the report RUNS times, each in a fresh process: (seconds, peak KiB, bytes)."""
    context = multiprocessing.get_context("spawn")
    figures = []
    for _ in range(RUNS):
        queue = context.Queue()
        process = context.Process(target=_render_and_measure, args=(data, image_format, queue))
        process.start()
        figures.append(queue.get(timeout=300))
        process.join()
    return figures


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        with demo_assessment(Path(folder)) as (session, assessment):
            data = report_data_of(session=session, assessment=assessment, prepared_by="Bench")
        for image_format in ("svg", "png"):
            runs = cold_renders(data, image_format)
            seconds = statistics.median(r[0] for r in runs)
            peak = max(r[1] for r in runs) / 1024
            size = runs[0][2] / 1024
            print(
                f"cold render, charts as {image_format.upper()}: median {seconds:.2f} s "
                f"of {RUNS}, peak memory {peak:.0f} MiB, PDF {size:.0f} KiB"
            )
        pdf = render_pdf(data)
        directory = Path(folder) / "cache"
        cached(directory, "report.pdf", "v1", lambda: pdf)
        started = time.perf_counter()
        for _ in range(100):
            cached(directory, "report.pdf", "v1", lambda: b"")
        per_read = (time.perf_counter() - started) / 100
        print(f"cached report: {per_read * 1000:.2f} ms per read")


if __name__ == "__main__":
    main()
