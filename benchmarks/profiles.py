"""Where the time goes: cProfile over a save, the results page and the radar after a change, and
the board report's first request, for an assessment of 50 participants who answered everything.

Run: .venv/bin/python benchmarks/profiles.py [--participants 50] [--lines 18] [--stages]

Prints the top lines (by cumulative time) of each profile; it asserts nothing. --stages prints
instead where the board report's render spends its CPU time, without a profiler's overhead:
report data, charts, HTML, CSS styles, boxes, layout, drawing and writing the PDF, and the
cycle collector within them (median of five renders after a first one, in this process).

The app runs in this process on a throw-away SQLite file, driven through its ASGI interface;
anyio's thread pool is replaced by a direct call while profiling, so the profile sees every
line in one thread (the cost of the hops themselves is what benchmarks/workshop.py measures).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script

import anyio.to_thread  # noqa: E402
import httpx2  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from app.config import Settings, load_settings  # noqa: E402
from app.db import invites, repository  # noqa: E402
from app.db.engine import make_engine  # noqa: E402
from app.db.migrations import migrate  # noqa: E402
from app.db.models import Assessment, AssessmentStatus, FrameworkSnapshot  # noqa: E402
from app.demo import DEMO_TEAM, create_demo, reset_demo_consultant  # noqa: E402
from app.main import create_app  # noqa: E402
from app.reports import worker  # noqa: E402
from benchmarks.demo import answer_everything  # noqa: E402
from tests.workshop import CSRF  # noqa: E402

PROJECT = str(Path(__file__).resolve().parent.parent)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--participants", type=int, default=50)
    options.add_argument("--lines", type=int, default=18)
    options.add_argument("--stages", action="store_true", help="the report's stage times")
    arguments = options.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if arguments.stages:
            _report_stages(Path(folder), arguments.participants)
        else:
            asyncio.run(_run(Path(folder), arguments.participants, arguments.lines))


def _workshop(folder: Path, participants: int) -> tuple[Settings, int, str, tuple[str, str]]:
    """An open assessment in the demo's organisation, everyone having answered everything
    (as the demo's people answer): its settings, id, the first participant's link, and the
    consultant's e-mail and password."""
    settings = load_settings(data_dir=folder)
    engine = make_engine(settings.sqlalchemy_url)
    migrate(engine)
    with Session(engine) as session:
        repository.store_questionnaires(session=session, directory=settings.questionnaires_dir)
        create_demo(session)
        consultant = reset_demo_consultant(session)
        demo = session.exec(select(Assessment)).one()
        assessment = repository.create_assessment(
            session=session,
            organisation=repository.organisation_of(session=session, assessment=demo),
            snapshot=session.get(FrameworkSnapshot, demo.framework_snapshot_id),
            title="Workshop",
            status=AssessmentStatus.OPEN,
        )
        links = []
        for index in range(participants):
            group = DEMO_TEAM[index % len(DEMO_TEAM)].group
            person = repository.add_participant(
                session=session, assessment=assessment, name=f"P{index}", group=group
            )
            key = invites.new_batch_key()
            links.append(
                invites.issue(session=session, participant=person, key=key, issued_by=None)
            )
        answer_everything(session, assessment)
        session.commit()
        assessment_id = assessment.id or 0
    engine.dispose()
    return settings, assessment_id, links[0], consultant


async def _inline(function: Callable[..., Any], *args: Any, **_: Any) -> Any:
    return function(*args)


async def _run(folder: Path, participants: int, lines: int) -> None:
    settings, assessment, link, (email, password) = _workshop(folder, participants)
    app = create_app(settings)
    anyio.to_thread.run_sync = _inline  # type: ignore[assignment]
    transport = httpx2.ASGITransport(app=app)
    base = "https://127.0.0.1"
    async with (
        httpx2.AsyncClient(transport=transport, base_url=base, follow_redirects=True) as client,
        httpx2.AsyncClient(transport=transport, base_url=base) as participant,
    ):
        login = {
            "email": email,
            "password": password,
            "csrf_token": _csrf((await client.get("/login")).text),
        }
        (await client.post("/login", data=login)).raise_for_status()
        page = await participant.get(f"/p/{link}")
        headers = {"X-CSRF-Token": _csrf(page.text), "Accept": "application/json"}
        level = iter(range(10**6))

        async def save() -> None:
            body = {"criterion_id": "ld-customer-strategy", "current": next(level) % 5, "target": 5}
            answer = await participant.post(f"/p/{link}/answers", json=body, headers=headers)
            answer.raise_for_status()

        def view(path: str) -> Callable[[], Any]:
            async def get() -> None:
                (await client.get(path)).raise_for_status()

            return get

        await save()
        await _profile("200 saves (POST /p/{link}/answers)", lines, [save] * 200)
        results = view(f"/assessments/{assessment}/results")
        await _profile("results page, first view after a change (x5)", lines, [save, results] * 5)
        radar = view(f"/assessments/{assessment}/charts/radar.svg")
        await _profile("radar chart, first view after a change (x5)", lines, [save, radar] * 5)
        # The route renders in a fresh process; here in this one, so the profile sees it.
        worker.render_in_worker = lambda render, data, time_limit=0: render(data)
        report = view(f"/assessments/{assessment}/report.pdf")
        await _profile(
            "board report, first request (rendered in this process)", lines, [save, report]
        )


def _report_stages(folder: Path, participants: int) -> None:
    """CPU seconds per stage of the board report's render, the stages timed by wrapping the
    functions WeasyPrint and the report call for each."""
    import weasyprint.document  # noqa: PLC0415

    from app.report_data import report_data_of  # noqa: PLC0415
    from app.reports import charts, pdf  # noqa: PLC0415

    settings, assessment_id, _, _ = _workshop(folder, participants)
    engine = make_engine(settings.sqlalchemy_url)
    spent: dict[str, float] = {}

    def timed(owner: Any, name: str, stage: str) -> None:
        function = getattr(owner, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                result = function(*args, **kwargs)
                return list(result) if stage == "layout" else result  # a generator
            finally:
                spent[stage] = spent.get(stage, 0) + time.process_time() - started

        setattr(owner, name, wrapper)

    collector: list[float] = []
    gc.callbacks.append(lambda phase, _: collector.append(time.process_time()))
    timed(weasyprint.document, "get_all_computed_styles", "CSS styles")
    timed(weasyprint.document, "build_formatting_structure", "boxes")
    timed(weasyprint.document, "layout_document", "layout")
    timed(weasyprint.document, "generate_pdf", "drawing and writing the PDF")
    timed(charts, "_render", "charts (matplotlib)")
    timed(pdf, "render_pdf", "whole render")
    runs: list[dict[str, float]] = []
    for _ in range(6):
        spent.clear()
        collector.clear()
        with Session(engine) as session:
            started = time.process_time()
            data = report_data_of(
                session=session, assessment=session.get(Assessment, assessment_id), prepared_by="x"
            )
            spent["report data"] = time.process_time() - started
        pdf.render_pdf(data)
        spent["cycle collector"] = sum(collector[1::2]) - sum(collector[::2])
        runs.append(dict(spent))
    engine.dispose()
    print(f"\n=== board report of {participants} participants: CPU seconds, median of 5")
    for stage in runs[-1]:
        print(f"{stage:>30}: {statistics.median(run[stage] for run in runs[1:]):.3f}")


def _csrf(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


async def _profile(title: str, lines: int, steps: list[Callable[[], Any]]) -> None:
    profile = cProfile.Profile()
    profile.enable()
    for step in steps:
        await step()
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative").print_stats(f"{PROJECT}/app/", lines)  # our code, inclusive
    stats.sort_stats("tottime").print_stats(lines // 2)  # anyone's code, exclusive
    print(f"\n=== {title}")
    print("\n".join(_short(line) for line in out.getvalue().splitlines() if line.strip()))


def _short(line: str) -> str:
    return line.replace(f"{PROJECT}/.venv/lib/python3.11/site-packages/", "").replace(
        f"{PROJECT}/", ""
    )


if __name__ == "__main__":
    main()
