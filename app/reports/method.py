"""How the scores and the roadmap were worked out, in sentences written for this framework's
levels and layers: the results page, the roadmap page and the PDF report all say the same."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.evidence import SUBMITTED
from app.domain.framework import Framework
from app.domain.levels import AnswerLevels, number
from app.domain.scoring import MIN_EVIDENCE
from app.reports.figures import Figures


@dataclass(frozen=True)
class Method:
    answers: str
    scores: str
    disagreement: str
    roadmap: str
    evidence: str
    counted: str  # whose answers: submitted only, or in progress too

    @property
    def rounding(self) -> str:
        """Said under the headline figures, where a reader checks target − today."""
        return (
            "Figures are rounded, halves up; each gap shown is the rounded target minus the "
            "rounded today. Rankings and the roadmap use the figures before rounding."
        )


def method_of(framework: Framework, *, answers: str = "", include_thin: bool = False) -> Method:
    """`answers`: the view's SUBMITTED or ALL; `include_thin`: the consultant ranks and drafts
    from thin evidence too."""
    figures = Figures(framework)
    return Method(
        answers=_answers(framework),
        scores=_scores(framework),
        disagreement=(
            "A criterion is flagged for discussion (“views differ”) when the standard deviation "
            f"of the answers about today, or about the target, is {figures.disagreement} or "
            "more; the widest spread is listed first."
        ),
        roadmap=_roadmap(framework, figures),
        evidence=(
            "Every score shows n, how many people it rests on. A score resting on fewer than "
            f"{MIN_EVIDENCE} people is marked “thin evidence” and "
            + (
                "included in the widest gaps, the strengths to build on and the roadmap draft, "
                "as the consultant chose. "
                if include_thin
                else "left out of the widest gaps, the strengths to build on and the roadmap "
                "draft. "
            )
            + "An answer with only today or only a target is kept and counted as “half "
            "answered”, but not scored."
        ),
        counted=(
            "Only submitted answers are counted: answers still in progress are left out until "
            "they are submitted."
            if answers == SUBMITTED
            else "Every answer given so far is counted, submitted or still in progress."
        ),
    )


def _answers(framework: Framework) -> str:
    wording = framework.wording
    scale = framework.answer_levels["scale"]
    shared = framework.shared_levels()
    if shared is not None and shared.is_scale:
        on = f"on the {scale.span()} scale"
    elif shared is not None:
        on = f"from the answers “{shared.title}” ({shared.span()})"
    else:
        sets = " or ".join(f"“{s.title}” ({s.span()})" for s in _used_sets(framework))
        on = f"on the {scale.span()} scale or, where a {wording.statement} says so, on {sets}"
    return (
        f"Each participant gave two answers per {wording.statement} {on}: where the "
        "organisation is today and where it should be. “Don’t know” is counted but not scored; "
        f"a {wording.statement} nobody scored has no score, never 0."
    )


def _used_sets(framework: Framework) -> list[AnswerLevels]:
    used = {c.answer_set for c in framework.criteria() if c.answer_set}
    return [framework.answer_levels[name] for name in sorted(used)]


def _scores(framework: Framework) -> str:
    shared = Figures(framework).shared
    rollup = (
        "an area's is the weighted mean of its criteria (weights from the framework), "
        f"each {framework.wording.layer}'s and the overall index the weighted mean of their "
        "areas (weights from the framework; areas nobody scored are left out and named)"
    )
    if shared is not None:
        return (
            f"A criterion's score is the mean of the levels given; {rollup}. Percentages run "
            f"from the lowest level, {number(shared.minimum)} (0 %), to the highest, "
            f"{number(shared.maximum)} (100 %). Gap = target − today, at every level."
        )
    return (
        "A criterion's score is the mean of the answers' values, placed in its own range "
        f"(0 % at its lowest answer, 100 % at its highest); {rollup}, all in those "
        "percentages, because the criteria are not all answered on one scale. Gaps are in "
        "percentage points; figures in levels appear only where every part is answered on "
        "the scale."
    )


def _roadmap(framework: Framework, figures: Figures) -> str:
    text = (
        "The roadmap proposes one initiative per area with a gap of "
        f"{figures.min_gap} or more before rounding, ordered by gap × importance (a weight "
        "the consultant may give an area; 1 unless set)"
    )
    if framework.layers_sequenced and len(framework.layers) > 1:
        order = " → ".join(layer.title for layer in framework.layers)
        text += (
            f"; where priorities are close, earlier {framework.wording.layers} come first ({order})"
        )
    return text + "."
