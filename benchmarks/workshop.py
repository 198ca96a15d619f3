"""A live workshop: 50 participants saving answers at once, then the results and the report.

Run: .venv/bin/python benchmarks/workshop.py [--participants 50] [--seconds 20]
     scripts/with-postgres .venv/bin/python benchmarks/workshop.py   (Gapwise on PostgreSQL)

Prints figures; it asserts nothing. Everything runs on loopback in a throw-away folder:
1. `gapwise serve` (one worker, as `scripts/run` starts it). Over HTTP the consultant opens an
   assessment and invites the participants; then all of them save answers at once for a fixed
   time, cycling through every criterion with changing levels; and the same load, in the same
   run, against benchmarks/bare_upsert.py: FastAPI and the driver doing the one upsert, on the
   same database. The two take turns (`--rounds`, each turn a share of `--seconds`), so a
   machine whose speed drifts compares them at the same speed. For each:
   saves per second, latency p50/p95/p99, failures, and whether the database holds exactly one
   answer per participant and criterion, with the last levels each one saw confirmed.
2. Every participant's answers completed (as the demo's people answer), then the results page
   and its radar chart: the first view after a change, and views from the memo.
3. The board report of that assessment over HTTP, first and cached, and a cold render's peak
   memory measured in a fresh process (as benchmarks/report.py does for the demo); then the
   first request right after a change, three times; a reader's download a few seconds after
   opening the report page, right after a change; and
   that reader's download a while after a later change, without reopening the page (with one
   worker only: each worker redraws for the pages it served and the changes it committed).
4. A workshop's real pace, open loop: every participant saves once every 2 s (25 saves/s
   for 50), to Gapwise and to the bare endpoint: latency p50/p95/p99.
5. The overview page of an assessment of 20,000 participants (each with a link and a few
   answers), first page and a later one.

`--code DIR` serves Gapwise from another checkout (its own .venv), e.g. the commit a change
started from, so that before and after are measured in one session on one machine; the
load, the bare endpoint and the data set-up are the same for both.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script

import httpx2  # noqa: E402
from sqlalchemy import make_url  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from app.db.engine import make_engine  # noqa: E402
from app.db.models import Assessment  # noqa: E402
from app.report_data import report_data_of  # noqa: E402
from app.reports.pdf import ReportData, render_pdf  # noqa: E402
from benchmarks.bare_upsert import add_participants  # noqa: E402
from tests.databases import database_for, rows  # noqa: E402
from tests.servers import environment, free_port, serving  # noqa: E402
from tests.workshop import (  # noqa: E402
    Load,
    criteria_of,
    csrf,
    one_answer_each,
    open_assessment,
    participant_name,
    save_answers,
    sign_in,
    stored_answers,
)

PYTHON = [sys.executable, "-m"]
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--participants", type=int, default=50)
    options.add_argument("--seconds", type=float, default=20.0)
    options.add_argument("--code", type=Path, default=PROJECT_ROOT, help="serve this checkout")
    options.add_argument("--overview", type=int, default=20_000, help="participants; 0: skip")
    options.add_argument("--workers", type=int, default=1, help="gapwise serve --workers")
    options.add_argument(
        "--rounds", type=int, default=3, help="turns each of Gapwise and the bare endpoint save"
    )
    arguments = options.parse_args()
    code = arguments.code.resolve()
    with tempfile.TemporaryDirectory() as folder:
        _run(
            Path(folder),
            arguments.participants,
            arguments.seconds,
            (code, arguments.workers),
            arguments.overview,
            arguments.rounds,
        )


OPEN_LOOP_EVERY = 2.0  # seconds between one participant's saves in a workshop's real pace


def _run(
    folder: Path,
    participants: int,
    seconds: float,
    server: tuple[Path, int],
    overview: int,
    rounds: int,
) -> None:
    code, workers = server
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = environment(folder / "gapwise", GAPWISE_BASE_URL=url)
    database = database_for(folder / "gapwise")
    python = [str(code / ".venv" / "bin" / "python"), "-m"]
    demo = subprocess.run(
        [*python, "app.cli", "demo"], env=env, capture_output=True, text=True, check=True, cwd=code
    )
    email, password = re.findall(r"as (\S+) with password: (\S+)", demo.stdout)[0]
    serve = [*python, "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    serve += ["--workers", str(workers)] if workers > 1 else []
    print(
        f"Gapwise served from {code} ({_commit(code)}), {workers} worker(s); load average {_load()}"
    )
    with serving(serve, env, f"{url}/healthz", folder / "gapwise.log", cwd=code) as process:
        consultant = httpx2.Client(base_url=url, follow_redirects=True, timeout=300)
        sign_in(consultant, email, password)
        assessment, links = open_assessment(consultant, participants)
        criteria = criteria_of(consultant)
        print(
            f"{participants} participants, {len(criteria)} criteria, {seconds:.0f} s of saving each"
        )
        with _bare_server(folder, participants) as bare_server:
            gapwise, bare = _saves_in_turns(
                Saving(process.pid, url, links), bare_server, criteria, seconds, rounds
            )
            gapwise_kept = one_answer_each(gapwise, stored_answers(database, assessment))
            bare_kept = one_answer_each(bare, stored_answers(bare_server.database, 1))
            paced = save_answers(url, links, criteria, seconds=seconds, every=OPEN_LOOP_EVERY)
            bare_paced = save_answers(
                bare_server.url, bare_server.links, criteria, seconds=seconds, every=OPEN_LOOP_EVERY
            )
        backend = make_url(database).get_backend_name()
        gapwise_name, bare_name = f"Gapwise, {backend}", f"bare, {backend}"
        _print_saves((gapwise_name, gapwise, gapwise_kept), (bare_name, bare, bare_kept))
        _print_paced(participants, (gapwise_name, paced), (bare_name, bare_paced))
        _seed(code, "answer-everything", database, str(assessment))
        _print_results_latency(consultant, url, links[0], assessment, criteria[0])
        if workers > 1:
            _print_views_across_workers(consultant, (database, assessment), links[1], criteria[1])
        _print_report(consultant, database, assessment, cold=code == PROJECT_ROOT)
        change = _answer_changer(url, links[0], criteria[0])
        _print_first_requests(consultant, change, assessment)
        _print_report_after_its_page(consultant, change, assessment)
        if workers == 1:  # with several, the page and the change may reach different workers
            _print_report_a_while_after_a_change(consultant, change, assessment)
        if overview:
            _print_overview(
                consultant,
                _seed(code, "crowded", database, str(assessment), str(overview)),
                overview,
            )
    print(f"load average at the end {_load()}")


def _commit(code: Path) -> str:
    found = subprocess.run(
        ["git", "-C", str(code), "log", "-1", "--format=%h %s"], capture_output=True, text=True
    )
    return found.stdout.strip()[:70] or "not a git checkout"


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"


@dataclass(frozen=True)
class Saving:
    """A server taking saves: its process, its address and its participants' links."""

    pid: int
    url: str
    links: list[str]
    database: str = ""


@contextmanager
def _bare_server(folder: Path, participants: int) -> Iterator[Saving]:
    """benchmarks/bare_upsert.py served on the database Gapwise runs on, until the block ends."""
    database = database_for(folder / "bare")
    (folder / "bare").mkdir(exist_ok=True)
    links = add_participants(database, [participant_name(i) for i in range(participants)])
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app = "benchmarks.bare_upsert:create_app"
    serve = [*PYTHON, "uvicorn", "--factory", app, "--host", "127.0.0.1", "--port", str(port)]
    env = environment(folder / "bare", BARE_DATABASE=database, PYTHONPATH=str(PROJECT_ROOT))
    with serving(serve, env, f"{url}/healthz", folder / "bare.log") as process:
        yield Saving(process.pid, url, links, database)


def _saves_in_turns(
    gapwise: Saving, bare: Saving, criteria: list[str], seconds: float, rounds: int
) -> tuple[Load, Load]:
    """The closed loop against Gapwise and the bare endpoint in turns, `rounds` times, each
    turn a share of `seconds`; each one's turns added up. A shared machine's speed drifts by a
    fifth within minutes, so turns of a few seconds compare them at the same speed where one
    long run each did not. Each round's ratio is printed as it ends."""
    turns: dict[str, list[Load]] = {"gapwise": [], "bare": []}
    for round_number in range(1, rounds + 1):
        for name, server in (("gapwise", gapwise), ("bare", bare)):
            turns[name].append(
                _saves_with_server_cpu(
                    server.pid, server.url, server.links, criteria, seconds / rounds
                )
            )
        ours, theirs = turns["gapwise"][-1], turns["bare"][-1]
        print(f"  round {round_number} of {rounds}: Gapwise / bare {_ratio(ours, theirs):.2f} ×")
    return Load.added(turns["gapwise"]), Load.added(turns["bare"])


def _ratio(gapwise: Load, bare: Load) -> float:
    """Gapwise's saves per second as a share of the bare endpoint's."""
    return (gapwise.saves / gapwise.seconds) / (bare.saves / bare.seconds)


def _saves_with_server_cpu(
    server: int, url: str, links: list[str], criteria: list[str], seconds: float
) -> Load:
    """The closed loop of saves, noting the CPU time the server's processes (the server, its
    workers and their render process) spent from the first save on: `server_cpu_seconds`.
    On a shared machine the load driver takes some of the same cores, so CPU per save says
    more about the server's own cost than saves per second."""
    at_start = 0.0

    def note_start() -> None:
        nonlocal at_start
        at_start = _tree_cpu_seconds(server)

    load = save_answers(url, links, criteria, seconds=seconds, on_start=note_start)
    load.server_cpu_seconds = _tree_cpu_seconds(server) - at_start
    return load


def _tree_cpu_seconds(root: int) -> float:
    """User and system CPU seconds of a process and every process below it, from /proc."""
    parents, seconds = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # it ended meanwhile
            continue
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        seconds[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    tree, grown = {root}, True
    while grown:
        below = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= below
        grown = bool(below)
    return sum(seconds.get(pid, 0.0) for pid in tree)


def _print_paced(participants: int, *runs: tuple[str, Load]) -> None:
    rate = participants / OPEN_LOOP_EVERY
    print(f"Open loop: each participant saves every {OPEN_LOOP_EVERY:.0f} s ({rate:.0f} saves/s)")
    for name, load in runs:
        if load.saves < 2:
            print(f"{name:19} no saves confirmed; failures: {dict(load.failures)}")
            continue
        p50, p95, p99 = _percentiles(load.latencies)
        print(
            f"{name:19} {load.saves:6} {load.saves / load.seconds:8.1f} {p50:7.1f} {p95:7.1f} "
            f"{p99:7.1f}  {sum(load.failures.values()):8}"
        )


def _print_saves(*runs: tuple[str, Load, bool]) -> None:
    print(
        f"{'':19} {'saves':>6} {'saves/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
        "  failures  one answer each  driver CPU         server CPU per save"
    )
    for name, load, kept in runs:
        if load.saves < 2:
            print(f"{name:19} no saves confirmed; failures: {dict(load.failures)}")
            return
        p50, p95, p99 = _percentiles(load.latencies)
        failures = sum(load.failures.values())
        print(
            f"{name:19} {load.saves:6} {load.saves / load.seconds:8.1f} {p50:7.1f} {p95:7.1f} "
            f"{p99:7.1f}  {failures:8}  {'yes' if kept else 'NO':>3} "
            f"({len(load.last_saved):4} kept)  "
            f"{load.driver_cpu_seconds:.1f} s of {load.seconds:.1f} s  "
            f"{1000 * load.server_cpu_seconds / load.saves:8.2f} ms"
        )
    (_, gapwise, _), (_, bare, _) = runs
    ratio = _ratio(gapwise, bare)
    p50_ratio = _percentiles(gapwise.latencies)[0] / _percentiles(bare.latencies)[0]
    print(f"Gapwise / bare: {ratio:.2f} × the throughput, {p50_ratio:.2f} × the median latency")


def _percentiles(seconds: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000


def _seed(code: Path, *arguments: str) -> str:
    """A seeding step (benchmarks/seed.py) run with the measured tree's code; its output."""
    python = str(code / ".venv" / "bin" / "python")
    done = subprocess.run(
        [python, str(PROJECT_ROOT / "benchmarks" / "seed.py"), *arguments],
        cwd=code,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def _answer_changer(url: str, link: str, criterion: str) -> Callable[[int], None]:
    """A participant's browser that sets their answer to `criterion` to a level (0-4) each
    call, each call a change to the assessment (level modulo 5, target 5)."""
    participant = httpx2.Client(base_url=url, timeout=60)
    headers = {"X-CSRF-Token": csrf(participant.get(link).text), "Accept": "application/json"}

    def change(level: int) -> None:
        participant.post(
            f"{link}/answers",
            json={"criterion_id": criterion, "current": level % 5, "target": 5},
            headers=headers,
        ).raise_for_status()

    return change


LOOKS_UP_AFTER = 1.5  # seconds: a consultant viewing results after someone saved


def _print_results_latency(
    consultant: httpx2.Client, url: str, link: str, assessment: int, criterion: str
) -> None:
    """Per page: the first view right after a change and then five more, and the first view
    LOOKS_UP_AFTER seconds after a change (by when the server may have warmed it)."""
    change = _answer_changer(url, link, criterion)
    for path in (
        f"/assessments/{assessment}/results",
        f"/assessments/{assessment}/charts/radar.svg",
    ):
        first, memo, later = [], [], []
        for level in range(5):  # each round: one answer changes, then six views
            change(level)
            views = [_timed(consultant, path) for _ in range(6)]
            first.append(views[0])
            memo.extend(views[1:])
        for level in range(5):
            change(level + 1)
            time.sleep(LOOKS_UP_AFTER)
            later.append(_timed(consultant, path))
        print(
            f"{path.rsplit('/', 1)[1]:>12}: first view right after a change median "
            f"{statistics.median(first) * 1000:.0f} ms (max {max(first) * 1000:.0f}), "
            f"{LOOKS_UP_AFTER} s after a change median {statistics.median(later) * 1000:.0f} ms "
            f"(max {max(later) * 1000:.0f}), then median {statistics.median(memo) * 1000:.1f} ms "
            f"(max {max(memo) * 1000:.1f}) over {len(memo)} views"
        )


VIEWERS = 8  # fresh connections per change: the kernel spreads them over the workers


def _print_views_across_workers(
    consultant: httpx2.Client, stored: tuple[str, int], link: str, criterion: str
) -> None:
    """After each change through one connection, fresh connections (any worker) read the
    results API: each must show the criterion's mean as the database holds it (each change
    moves it, so a view from a stale cache shows the one before)."""
    database, assessment = stored
    change = _answer_changer(str(consultant.base_url), link, criterion)
    stale, views, seconds = 0, 0, []
    for level in range(20):
        change(level)
        mean = _mean_held(database, assessment, criterion)
        for _ in range(VIEWERS):
            with httpx2.Client(base_url=consultant.base_url, cookies=consultant.cookies) as viewer:
                started = time.perf_counter()
                shown = viewer.get(f"/api/v1/assessments/{assessment}/results").json()
                seconds.append(time.perf_counter() - started)
            views += 1
            found = _criterion_in(shown["results"], criterion)
            if abs(found["current"]["mean"] - mean) > 1e-9:
                stale += 1
    print(
        f"results API across workers: {stale} stale of {views} views on fresh connections "
        f"right after 20 changes; median {statistics.median(seconds) * 1000:.0f} ms "
        f"(max {max(seconds) * 1000:.0f})"
    )


def _mean_held(database: str, assessment: int, criterion: str) -> float:
    """The criterion's mean today over complete answers, read from the database."""
    levels = rows(
        database,
        "SELECT a.current FROM answer a JOIN participant p ON p.id = a.participant_id"
        " WHERE p.assessment_id = :a AND a.criterion_id = :c"
        " AND a.current IS NOT NULL AND a.target IS NOT NULL",
        a=assessment,
        c=criterion,
    )
    return statistics.fmean(level for (level,) in levels)


def _criterion_in(tree: object, criterion: str) -> dict:
    """The criterion's entry anywhere in a results tree."""
    if isinstance(tree, dict):
        if tree.get("criterion_id") == criterion:
            return tree
        tree = list(tree.values())
    if isinstance(tree, list):
        for item in tree:
            found = _criterion_in(item, criterion)
            if found:
                return found
    return {}


def _timed(client: httpx2.Client, path: str) -> float:
    started = time.perf_counter()
    client.get(path).raise_for_status()
    return time.perf_counter() - started


def _print_report(
    consultant: httpx2.Client, database: str, assessment_id: int, *, cold: bool
) -> None:
    """Over HTTP; and with this tree's code (`cold`), rendered in fresh processes too."""
    path = f"/assessments/{assessment_id}/report.pdf"
    first, cached = _timed(consultant, path), min(_timed(consultant, path) for _ in range(5))
    size = len(consultant.get(path).content) / 1024
    print(f"report over HTTP: first {first:.2f} s, cached {cached * 1000:.1f} ms, {size:.0f} KiB")
    if not cold:
        return
    engine = make_engine(database)
    with Session(engine) as session:
        assessment = session.exec(select(Assessment).where(Assessment.id == assessment_id)).one()
        data = report_data_of(session=session, assessment=assessment, prepared_by="Bench")
    engine.dispose()
    runs = cold_renders(data)
    print(
        f"report cold render in a fresh process: median "
        f"{statistics.median(r[0] for r in runs):.2f} s of {len(runs)}, "
        f"peak memory {max(r[1] for r in runs) / 1024:.0f} MiB"
    )


READS_THE_PAGE_FOR = 3.0  # seconds between opening the report page and clicking Download
BETWEEN_REPORTS = 10.0  # seconds: the render process started after a render is ready by then


def _print_first_requests(
    consultant: httpx2.Client, change: Callable[[int], None], assessment_id: int
) -> None:
    """The report asked for right after a change, before anyone opened its page: one render
    on the request. Three rounds, each after BETWEEN_REPORTS (see below), as the first
    request's single figure above scatters by a second from run to run."""
    # ends where it began: the rounds below start from level 0
    waits = _downloads(consultant, assessment_id, change, (1, 2, 0), before=BETWEEN_REPORTS)
    print(f"report, first request right after a change, page not opened: {_spread(waits)}")


def _print_report_after_its_page(
    consultant: httpx2.Client, change: Callable[[int], None], assessment_id: int
) -> None:
    """A reader's first download after a change: the report page opened, read for a few
    seconds, then Download (the page starts drawing the A4 report as it opens). Each round
    first waits BETWEEN_REPORTS, as reports are not asked for back to back: the process a
    render uses is started after the previous render, and takes seconds to import."""

    def read_the_page() -> None:
        consultant.get(f"/assessments/{assessment_id}/report").raise_for_status()
        time.sleep(READS_THE_PAGE_FOR)

    waits = _downloads(  # the last change before this set level 0
        consultant, assessment_id, change, (1, 2, 3), before=BETWEEN_REPORTS, then=read_the_page
    )
    print(
        f"report, download {READS_THE_PAGE_FOR:g} s after opening its page, after a change: "
        f"{_spread(waits, in_ms=True)}, so ready "
        f"{READS_THE_PAGE_FOR + statistics.median(waits):.1f} s after the page opened"
    )


A_WHILE_AFTER = 40.0  # seconds between a change and a download that did not reopen the page


def _print_report_a_while_after_a_change(
    consultant: httpx2.Client, change: Callable[[int], None], assessment_id: int
) -> None:
    """A reader who opened the report page earlier downloads it again a while after a change,
    without reopening the page (the server redraws the latest reader's report once changes
    settle, app/web/warming.py)."""
    waits = _downloads(  # the last change before this set level 3
        consultant, assessment_id, change, (4, 1), then=lambda: time.sleep(A_WHILE_AFTER)
    )
    print(
        f"report, download {A_WHILE_AFTER:g} s after a change, page not reopened: "
        f"{_spread(waits, in_ms=True)}"
    )


def _downloads(
    consultant: httpx2.Client,
    assessment_id: int,
    change: Callable[[int], None],
    levels: tuple[int, ...],
    *,
    before: float = 0.0,
    then: Callable[[], None] = lambda: None,
) -> list[float]:
    """Seconds of one A4 report download per level: wait `before`, change the answer to the
    level, do `then()`, download."""
    waits = []
    for level in levels:
        time.sleep(before)
        change(level)
        then()
        waits.append(_timed(consultant, f"/assessments/{assessment_id}/report.pdf?paper=A4"))
    return waits


def _spread(waits: list[float], *, in_ms: bool = False) -> str:
    """'median … (max …) of n', in seconds or milliseconds."""
    median, most = statistics.median(waits), max(waits)
    if in_ms:
        return f"median {median * 1000:.0f} ms (max {most * 1000:.0f}) of {len(waits)}"
    return f"median {median:.2f} s (max {most:.2f}) of {len(waits)}"


def _render_and_measure(data: ReportData, queue: multiprocessing.Queue) -> None:
    started = time.perf_counter()
    render_pdf(data, "svg")
    queue.put((time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def cold_renders(data: ReportData, runs: int = 3) -> list[tuple[float, int]]:
    """Render the report `runs` times, each in a fresh process: (seconds, peak KiB)."""
    context = multiprocessing.get_context("spawn")
    figures = []
    for _ in range(runs):
        queue = context.Queue()
        process = context.Process(target=_render_and_measure, args=(data, queue))
        process.start()
        figures.append(queue.get(timeout=300))
        process.join()
    return figures


def _print_overview(consultant: httpx2.Client, crowded: str, participants: int) -> None:
    path = f"/assessments/{crowded}"
    for name, query in (("first page", ""), ("page 100", "?page=100")):
        started = time.perf_counter()
        size = len(consultant.get(path + query).content) / 1024
        views = [time.perf_counter() - started]
        more = 4 if views[0] < 2 else 1  # a page of many seconds: twice is enough
        views += [_timed(consultant, path + query) for _ in range(more)]
        print(
            f"overview of {participants:,} participants, {name}: median "
            f"{statistics.median(views) * 1000:.0f} ms (max {max(views) * 1000:.0f}) "
            f"of {len(views)}, {size:.0f} KiB"
        )


if __name__ == "__main__":
    main()
