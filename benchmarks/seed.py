"""Seed a benchmark's database with the code of the tree being measured (`workshop.py --code`).

Run with that tree's Python, from that tree: its own models then meet its own schema, while
the seeding steps are this folder's (demo.py, overview.py), for old and new trees alike.

    python benchmarks/seed.py answer-everything DATABASE_URL ASSESSMENT_ID
    python benchmarks/seed.py crowded DATABASE_URL ASSESSMENT_ID PARTICIPANTS   (prints its id)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(1, str(Path.cwd()))  # after this folder: the measured tree's `app`

from demo import answer_everything  # noqa: E402
from overview import crowded_assessment  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from app.db.engine import make_engine  # noqa: E402
from app.db.models import Assessment  # noqa: E402


def main(step: str, database: str, assessment_id: str, *rest: str) -> None:
    engine = make_engine(database)
    with Session(engine) as session:
        assessment = session.exec(select(Assessment).where(Assessment.id == int(assessment_id)))
        like = assessment.one()
        if step == "answer-everything":
            answer_everything(session, like)
            session.commit()
        else:
            print(crowded_assessment(session, like, int(rest[0])))
    engine.dispose()


if __name__ == "__main__":
    main(*sys.argv[1:])
