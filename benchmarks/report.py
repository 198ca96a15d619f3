"""The demo's deliverables: PDF and slide deck render times (cold and cached), memory and sizes.

Run: .venv/bin/python benchmarks/report.py [--against FOLDER] [--png] [--runs N]
Prints figures; it asserts nothing. Uses throw-away data folders. Each cold render runs in a
fresh process (as the server does), so its peak memory is that process's own.

--against FOLDER times the PDF of an older checkout too (e.g. `git archive main | tar -x -C
FOLDER`), in the same run and interleaved with this one's, so both see the same machine load:
the figure that says whether a change made the report slower. CPU time (the render's, and its
forked copy's that draws the charts) is printed beside the time: on a shared, busy machine it
is the steadier of the two. --png adds charts drawn as PNG.

Each tree renders its own demo, and a newer demo may hold more (submissions, N/A, comments).
--same-content renders the same assessment in both: the older tree's demo, exported by the
older tree and imported by each (the export format of the older tree, which both read).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.reports.cache import cached  # noqa: E402

RUNS = 3
# Run inside a code tree: build the demo there, render once, print seconds, peak KiB, bytes.
# Only names that every version of Gapwise has, so an older checkout runs it too.
RENDER = """
import json, os, resource, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, ".")
from contextlib import contextmanager
from benchmarks.demo import demo_assessment as own_demo

@contextmanager
def demo_assessment(folder, document):  # the tree's own demo, or the exported one
    if not document:
        with own_demo(folder) as demo:
            yield demo
        return
    from sqlmodel import Session
    from app.config import load_settings
    from app.db import repository
    from app.db.engine import make_engine
    from app.db.migrations import migrate
    from app.db.transfer import import_assessment
    try:
        from app.db.transfer_schema import read_document
    except ImportError:  # a checkout from before the strict import schema
        read_document = json.loads
    settings = load_settings(data_dir=folder)
    engine = make_engine(settings.sqlalchemy_url)
    migrate(engine)
    with Session(engine) as session:
        repository.store_questionnaires(session=session, directory=settings.questionnaires_dir)
        organisation = repository.create_organisation(session=session, slug="b", name="Bench")
        raw = Path(document).read_bytes()
        assessment = import_assessment(
            session=session, document=read_document(raw), organisation=organisation
        )
        session.commit()
        yield session, assessment
    engine.dispose()

try:
    from app.report_data import report_data_of
except ImportError:  # a checkout from before it moved
    from app.db.report_data import report_data_of
kind, image_format = sys.argv[1], sys.argv[2]
if kind == "deck":
    from app.reports.deck import render_deck as render
else:
    from app.reports.pdf import render_pdf
    render = lambda data: render_pdf(data, image_format)
with tempfile.TemporaryDirectory() as folder:
    with demo_assessment(Path(folder), sys.argv[4]) as (session, assessment):
        data = report_data_of(session=session, assessment=assessment, prepared_by="Bench")
    spent = lambda t: t.user + t.system + t.children_user + t.children_system  # the fork's too
    started, cpu = time.perf_counter(), spent(os.times())
    content = render(data)
    elapsed, cpu = time.perf_counter() - started, spent(os.times()) - cpu
    Path(sys.argv[3]).write_bytes(content)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps([elapsed, peak, len(content), cpu]))
"""


# Run inside the older tree: its demo, exported as an import document, to the path given.
EXPORT = """
import json, sys, tempfile
from pathlib import Path
sys.path.insert(0, ".")
from benchmarks.demo import demo_assessment
from app.db.transfer import export_assessment
with tempfile.TemporaryDirectory() as folder:
    with demo_assessment(Path(folder)) as (session, assessment):
        document = export_assessment(session=session, assessment=assessment)
Path(sys.argv[1]).write_text(json.dumps(document))
"""


def cold_render(
    tree: Path, kind: str, output: Path, image_format: str = "svg", document: Path | None = None
) -> list[float]:
    """One render in a fresh process inside `tree`: [seconds, peak KiB, bytes, CPU seconds].
    Of the tree's own demo, or of the assessment in `document` (an export)."""
    source = str(document or "")
    result = subprocess.run(
        [sys.executable, "-c", RENDER, kind, image_format, str(output), source],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    )
    figures: list[float] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def summary(label: str, runs: list[list[float]], unit: str) -> str:
    seconds = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[3] for r in runs)
    peak = max(r[1] for r in runs) / 1024
    return (
        f"{label}: median {seconds:.2f} s of {len(runs)} "
        f"(min {min(r[0] for r in runs):.2f}), CPU {cpu:.2f} s, peak memory {peak:.0f} MiB, "
        f"{unit} {runs[0][2] / 1024:.0f} KiB"
    )


def cached_read(folder: Path, content: bytes) -> float:
    """Milliseconds per read of a cached file."""
    directory = folder / "cache"
    cached(directory, "file", "v1", lambda: content)
    started = time.perf_counter()
    for _ in range(100):
        cached(directory, "file", "v1", lambda: b"")
    return (time.perf_counter() - started) / 100 * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, help="an older checkout to time the PDF of")
    parser.add_argument("--png", action="store_true", help="also charts as PNG")
    parser.add_argument("--runs", type=int, default=RUNS, help="cold renders of each")
    parser.add_argument(
        "--same-content", action="store_true", help="both render the --against tree's demo"
    )
    options = parser.parse_args()
    if options.same_content and not options.against:
        parser.error("--same-content: it needs --against FOLDER, whose demo both render")
    runs_each = options.runs
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        pdf, deck = folder / "report.pdf", folder / "deck.pptx"
        trees = {"this tree": ROOT} | ({"--against": options.against} if options.against else {})
        runs: dict[str, list[list[float]]] = {label: [] for label in trees}
        document = folder / "demo.json" if options.same_content else None
        if document:
            export = [sys.executable, "-c", EXPORT, str(document)]
            subprocess.run(export, cwd=options.against, check=True)
            print("Both trees render the same assessment: the --against tree's demo")
        for _ in range(runs_each):  # interleaved, so both trees see the same load
            for label, tree in trees.items():
                output = folder / f"{label}.pdf"
                runs[label].append(cold_render(tree, "pdf", output, document=document))
        for label, figures in runs.items():
            print(summary(f"PDF cold render ({label})", figures, "PDF"))
        if options.against:
            for index, what in ((0, "time"), (3, "CPU time")):
                ours, theirs = (
                    statistics.median(r[index] for r in runs[label])
                    for label in ("this tree", "--against")
                )
                print(f"PDF render {what}, this tree / --against: {ours / theirs:.2f}")
        if options.png:
            png_runs = [cold_render(ROOT, "pdf", pdf, "png") for _ in range(runs_each)]
            print(summary("PDF cold render, charts as PNG", png_runs, "PDF"))
        deck_runs = [cold_render(ROOT, "deck", deck) for _ in range(runs_each)]
        print(summary("Deck cold render", deck_runs, "deck"))
        (folder / "this tree.pdf").replace(pdf)
        print(f"cached PDF: {cached_read(folder / 'p', pdf.read_bytes()):.2f} ms per read")
        print(f"cached deck: {cached_read(folder / 'd', deck.read_bytes()):.2f} ms per read")
        kib = {path.suffix: path.stat().st_size // 1024 for path in (pdf, deck)}
        print(f"sizes: PDF {kib['.pdf']} KiB, deck {kib['.pptx']} KiB")


if __name__ == "__main__":
    main()
