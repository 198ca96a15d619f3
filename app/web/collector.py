"""Python's cycle collector, tuned for a serving process.

At Python's default threshold (700 allocations) a collection of the oldest generation,
which walks every object in the process (matplotlib, WeasyPrint, SQLAlchemy and pydantic
are all loaded), ran often during the first view after a change: scoring 50 people's answers
and drawing a chart allocate hundreds of thousands of objects. Measured in process
(benchmarks/profiles.py's assessment, 30 views each right after a save): radar p90
299-330 ms -> 129-171 ms, results page p90 224-258 ms -> 75-103 ms; medians about the same.
Garbage with cycles now lives a little longer; the process holds few such cycles.
"""

from __future__ import annotations

import gc

COLLECTOR_THRESHOLD = 20_000  # allocations between two collections of the youngest generation


def tune_for_serving() -> None:
    """Collect less often, for the whole process (every worker calls it as it starts)."""
    gc.set_threshold(COLLECTOR_THRESHOLD, *gc.get_threshold()[1:])
