"""The slide deck: a 16:9 PowerPoint file a consultant presents from, in their branding.

Slides: title, executive summary (continued over more slides when the narrative is long),
radar, layers, gap ranking, one slide per layer, where views differ, the roadmap as a
timeline and as a table (over several slides when long), and next steps. Charts are
high-resolution images; every word is editable text.
"""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.enum.text import PP_ALIGN
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from app.domain.levels import number
from app.domain.narrative import blocks
from app.domain.roadmap import HORIZONS
from app.domain.scoring import (
    CriterionResult,
    LayerResult,
    Score,
    disagreements,
    top_gaps,
    top_strengths,
)
from app.reports import charts
from app.reports.figures import Figures
from app.reports.pdf import ReportData
from app.reports.registry import CHARTS
from app.reports.slides import (
    FONT,
    INK,
    LINE,
    MUTED,
    WASH,
    Box,
    Style,
    bullets,
    logo,
    narrative_column,
    narrative_lines,
    paginate,
    panel,
    picture,
    rgb,
    table,
    text,
)

SLIDE_WIDTH_EMU = 12_192_000  # PowerPoint's own 16:9 size, 13⅓ × 7½ inches
WIDTH, HEIGHT = SLIDE_WIDTH_EMU / 914_400, 7.5
MARGIN = 0.6
BODY = Box(MARGIN, 1.55, WIDTH - 2 * MARGIN, HEIGHT - 1.55 - 0.75)
SLIDE_TEXT_SCALE = 1.5  # chart text read from the back of a room
DPI = 300  # chart images stay above 200 dpi however far a slide enlarges them
SUMMARY_BUDGET = 900  # characters of narrative per summary slide at 16 pt
TABLE_ROWS = 9
CHART_SLIDES = (  # the registered charts shown on slides of their own, and each slide's title
    ("radar", "Capability at a glance"),
    ("layers", "{Layers}"),
    ("gaps", "Where the gaps are"),
)


class _Deck:
    def __init__(self, data: ReportData) -> None:
        self.data = data
        self.brand = data.brand
        self.figures = Figures(data.framework)
        self.presentation = Presentation()
        self.presentation.slide_width = Emu(SLIDE_WIDTH_EMU)
        self.presentation.slide_height = Inches(HEIGHT)
        drawn = [*(name for name, _ in CHART_SLIDES), "timeline"]
        with charts.resolution(DPI), charts.legible(SLIDE_TEXT_SCALE):
            self.images = {
                name: CHARTS[name].draw(data, "png") for name in drawn if CHARTS[name].shown(data)
            }

    def levels(self, score: Score | None) -> list[str]:
        """Today, target and gap as written everywhere (in levels, or percent when mixed)."""
        if score is None:
            return ["–", "–", "–"]
        f = self.figures
        return [f.current(score), f.target(score), f.gap(score)]

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.presentation.save(buffer)
        return buffer.getvalue()

    def slide(self, title: str, subtitle: str = "") -> Slide:
        """A content slide: title, accent rule, client logo, footer with page number."""
        layout = self.presentation.slide_layouts[5]  # "Title Only": a real title placeholder
        slide = self.presentation.slides.add_slide(layout)
        heading = slide.shapes.title
        heading.left, heading.top = Inches(MARGIN), Inches(0.45)
        heading.width, heading.height = Inches(WIDTH - 2 * MARGIN - 2.4), Inches(0.75)
        heading.text_frame.text = title
        run = heading.text_frame.paragraphs[0].runs[0]
        heading.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT
        run.font.size, run.font.bold, run.font.name = Pt(28), True, FONT
        run.font.color.rgb = rgb(INK)
        panel(slide, Box(MARGIN, 1.2, 1.2, 0.06), self.brand.accent)
        if subtitle:
            text(slide, Box(MARGIN + 1.4, 1.06, 9, 0.34), [subtitle], Style(13, MUTED))
        if self.brand.client_logo:
            alt = f"{self.data.organisation} logo"
            logo(
                slide,
                self.brand.client_logo,
                Box(WIDTH - MARGIN - 2.2, 0.45, 2.2, 0.7),
                alt,
                right=True,
            )
        self._footer(slide)
        return slide

    def _footer(self, slide: Slide) -> None:
        number = len(self.presentation.slides)
        panel(slide, Box(MARGIN, HEIGHT - 0.62, WIDTH - 2 * MARGIN, 0.01), LINE)
        left = f"{self.brand.name} · {self.data.assessment} · Confidential"
        text(slide, Box(MARGIN, HEIGHT - 0.55, 9, 0.3), [left], Style(10, MUTED))
        text(
            slide,
            Box(WIDTH - MARGIN - 1, HEIGHT - 0.55, 1, 0.3),
            [str(number)],
            Style(10, MUTED, align=PP_ALIGN.RIGHT),
        )

    def title_slide(self) -> None:
        data, brand = self.data, self.brand
        slide = self.presentation.slides.add_slide(self.presentation.slide_layouts[6])
        panel(slide, Box(0, 0, 0.28, HEIGHT), brand.accent)
        panel(slide, Box(0.28, HEIGHT - 1.3, WIDTH - 0.28, 1.3), WASH)
        if brand.client_logo:
            logo(slide, brand.client_logo, Box(1.0, 0.8, 3.2, 1.1), f"{data.organisation} logo")
        kicker = f"{data.framework.wording.assessment} · {data.framework.title}"
        text(slide, Box(1.0, 2.3, 10.5, 0.4), [kicker.upper()], Style(13, brand.accent_text, True))
        text(slide, Box(1.0, 2.75, 11, 1.6), [data.assessment], Style(40, INK, True))
        text(slide, Box(1.0, 4.35, 11, 0.6), [data.organisation], Style(22, MUTED))
        if data.results.overall:
            overall = data.results.overall
            figure = f"{self.figures.current(overall)} → {self.figures.target(overall)}"
            text(
                slide,
                Box(WIDTH - 4.6, 0.8, 4.0, 0.3),
                ["OVERALL INDEX, TODAY → TARGET"],
                Style(11, MUTED, True, PP_ALIGN.RIGHT),
            )
            text(
                slide,
                Box(WIDTH - 4.6, 1.1, 4.0, 0.9),
                [figure],
                Style(36, brand.accent_text, True, PP_ALIGN.RIGHT),
            )
        facts = prepared_line(data.prepared_by, brand.name, data.prepared_on)
        text(slide, Box(1.0, HEIGHT - 1.0, 8.5, 0.4), [facts], Style(13, INK))
        text(slide, Box(1.0, HEIGHT - 0.62, 8.5, 0.3), ["CONFIDENTIAL"], Style(10, MUTED, True))
        if brand.logo:
            logo(
                slide,
                brand.logo,
                Box(WIDTH - 3.6, HEIGHT - 1.15, 3.0, 1.0),
                f"{brand.name} logo",
                right=True,
            )

    def summary_slides(self) -> None:
        """The narrative (or, without one, the purpose and figures), then key messages."""
        pages = paginate(blocks(self.data.narrative.narrative), SUMMARY_BUDGET) or [()]
        for index, page in enumerate(pages):
            title = "Executive summary" + (" (continued)" if index else "")
            slide = self.slide(title)
            column = Box(MARGIN, BODY.top, 7.1, BODY.height)
            if page:
                narrative_column(slide, column, page)
            else:
                lines = [self.data.purpose, *self._findings()]
                text(slide, column, [line for line in lines if line], Style(18))
            if index == 0:
                self._figures(slide)

    def _findings(self) -> list[str]:
        """Without a narrative: where the organisation stands, in three plain sentences."""
        results, f = self.data.results, self.figures
        overall = results.overall
        if overall is None:
            return ["No criterion has been scored yet."]
        layers = ", ".join(
            f"{layer.title} {f.current(layer.score)} → {f.target(layer.score)}"
            for layer in results.layers
            if layer.score
        )
        span = f.span(overall) or "of the range"
        lines = [
            f"Today the organisation stands at {f.current(overall)} {span}; "
            f"it aims for {f.target(overall)}.",
            f"By {self.data.framework.wording.layer}, today → target: {layers}.",
        ]
        strengths = [
            _marked(c).rstrip(".")
            for c in top_strengths(results, 1, include_thin=self.data.include_thin)
        ]
        if strengths:
            lines.append(f"Strongest today: {strengths[0]}.")
        return lines

    def _figures(self, slide: Slide) -> None:
        """Three figure cards and, below them, the key messages (or the widest gaps)."""
        left = MARGIN + 7.6
        values = self.levels(self.data.results.overall)
        for index, (label, shown) in enumerate(
            zip(("Today", "Target", "Gap"), values, strict=True)
        ):
            card = Box(left + index * 1.5, BODY.top, 1.38, 1.15)
            self._card(slide, card, label, shown, accent=label == "Gap")
        messages = narrative_lines(self.data.narrative.key_messages)
        heading = "Key messages" if messages else "Widest gaps"
        items = messages[:5] or [
            _marked(c) for c in top_gaps(self.data.results, 3, include_thin=self.data.include_thin)
        ]
        text(
            slide,
            Box(left, BODY.top + 1.45, 4.4, 0.35),
            [heading.upper()],
            Style(11, self.brand.accent_text, True),
        )
        bullets(slide, Box(left, BODY.top + 1.85, 4.4, BODY.height - 1.9), items, Style(13))

    def _card(self, slide: Slide, box: Box, label: str, value: str, *, accent: bool) -> None:
        fill, ink = (self.brand.accent, self.brand.on_accent) if accent else (WASH, INK)
        panel(slide, box, fill, rounded=True)
        inner = box.width - 0.3
        text(
            slide,
            Box(box.left + 0.15, box.top + 0.1, inner, 0.3),
            [label.upper()],
            Style(10, MUTED if not accent else ink, True),
        )
        # "2.0" and "38 %" at 28 pt; "+48 pts" (mixed levels) smaller, on one line
        size = 28 if len(value) <= 4 else 22 if len(value) <= 5 else 17
        shown = value.replace(" ", "\u00a0")
        figure = Box(box.left + 0.15, box.top + 0.4, inner, 0.65)
        text(slide, figure, [shown], Style(size, ink, True))

    def chart_slides(self) -> None:
        """The registered charts, each on its own slide with its caption beside it."""
        framework = self.data.framework
        wording = framework.wording
        layers = wording.layers[:1].upper() + wording.layers[1:]
        key = [self.figures.key] if self.figures.key else []  # on the first chart only
        for name, title in CHART_SLIDES:
            chart = CHARTS[name]
            if name not in self.images:
                continue
            slide = self.slide(title.format(Layers=layers))
            box = Box(MARGIN, BODY.top, 8.6, BODY.height)
            picture(slide, self.images[name], box, chart.title_for(framework))
            text(
                slide,
                Box(MARGIN + 9.0, BODY.top + 0.2, 3.5, BODY.height - 0.2),
                [chart.caption_for(framework), *key],
                Style(14, MUTED),
            )
            key = []

    def layer_slide(self, layer: LayerResult) -> None:
        score, subtitle = layer.score, "No answers yet"
        if score:
            today, target, gap = self.levels(score)
            subtitle = f"Today {today}, target {target}, gap {gap} {self.figures.gap_unit(score)}"
        slide = self.slide(layer.title, subtitle)
        rows = [[area.title, *self.levels(area.score)] for area in layer.areas]
        widths = [3.9, 1.0, 1.0, 1.0]
        _grid(slide, ["Area", "Today", "Target", "Gap"], rows, widths, 0.45, 14, (1, 2, 3))
        in_layer = [c for a in layer.areas for c in a.all_criteria()]
        ranked = top_gaps(self.data.results, 50, include_thin=self.data.include_thin)
        gaps = [c for c in ranked if c in in_layer][:4]
        left = MARGIN + sum(widths) + 0.5
        text(
            slide,
            Box(left, BODY.top, 3.6, 0.35),
            ["WIDEST GAPS HERE"],
            Style(11, self.brand.accent_text, True),
        )
        f = self.figures
        items = [
            f"{_marked(c)} ({f.current(c.score)} → {f.target(c.score)})" for c in gaps if c.score
        ] or ["No criterion here has been scored yet."]
        bullets(
            slide,
            Box(left, BODY.top + 0.4, WIDTH - MARGIN - left, BODY.height - 0.4),
            items,
            Style(13),
        )

    def disagreement_slide(self) -> None:
        flagged = disagreements(self.data.results)
        found = flagged[:TABLE_ROWS]
        shown = f"the {len(found)} widest of {len(flagged)}" if len(flagged) > len(found) else ""
        subtitle = "Spread of answers about today, widest first" + (f": {shown}" if shown else "")
        slide = self.slide("Where views differ", subtitle)
        if not found:
            text(slide, BODY, ["Participants broadly agree on today's level."], Style(18))
            return
        area_of = {
            c.criterion_id: a.title for a in self.data.results.areas() for c in a.all_criteria()
        }
        rows = [[c.text, area_of[c.criterion_id], *_spread(c)] for c in found]
        header = ["Criterion", "Area", "Lowest", "Highest", "People"]
        _grid(slide, header, rows, [6.4, 2.6, 1.0, 1.0, 1.1], 0.52, 12, (2, 3, 4))

    def roadmap_slides(self) -> None:
        if not self.data.roadmap:
            slide = self.slide("Roadmap")
            text(
                slide,
                BODY,
                [f"No area has a gap of {self.figures.min_gap} or more, so none is proposed."],
                Style(18),
            )
            return
        note = "Drafted from the gaps; to be reviewed" if self.data.roadmap_is_draft else ""
        slide = self.slide("Roadmap", note)
        alt = CHARTS["timeline"].title_for(self.data.framework)
        picture(slide, self.images["timeline"], BODY, alt)
        items = list(self.data.roadmap)
        pages = [items[i : i + TABLE_ROWS] for i in range(0, len(items), TABLE_ROWS)]
        for index, page in enumerate(pages):
            suffix = f" ({index + 1} of {len(pages)})" if len(pages) > 1 else ""
            slide = self.slide("Roadmap initiatives" + suffix, note)
            rows = [[i.title, HORIZONS[i.horizon], i.owner or "—", i.status] for i in page]
            header = ["Initiative", "Horizon", "Owner", "Status"]
            _grid(slide, header, rows, [6.6, 2.0, 2.1, 1.4], 0.5, 13)

    def next_steps_slide(self) -> None:
        slide = self.slide("Next steps")
        recommendations = blocks(self.data.narrative.recommendations)
        if recommendations:
            narrative_column(slide, BODY, recommendations[:6])
            return
        first = [i.title for i in self.data.roadmap if i.horizon == 0]
        items = [
            *first,
            "Agree owners and dates for each initiative",
            "Assess again in twelve months to measure progress",
        ]
        bullets(slide, Box(MARGIN, BODY.top, 9, BODY.height), items[:7], Style(20))


def _grid(
    slide: Slide,
    header: list[str],
    rows: list[list[str]],
    widths: list[float],
    row_height: float,
    size: float,
    numeric: tuple[int, ...] = (),
) -> None:
    """A table at the top left of the slide's body, as tall as its rows need."""
    height = min(row_height * (len(rows) + 1), BODY.height)
    box = Box(MARGIN, BODY.top, sum(widths), height)
    table(slide, box, header, rows, widths, size=size, numeric=numeric)


def prepared_line(prepared_by: str, brand: str, prepared_on: str) -> str:
    """`Prepared by Ann · Harbour Advisory · 2 December 2026`; the brand once, when the
    author is the brand itself (the CLI's default author, Gapwise, under Gapwise's brand)."""
    by = [prepared_by] if prepared_by == brand else [prepared_by, brand]
    return f"Prepared by {' · '.join(by)} · {prepared_on}"


def _marked(criterion: CriterionResult) -> str:
    """The criterion's text, marked when it rests on thin evidence (ranked by the consultant's
    choice all the same)."""
    return f"{criterion.text} (thin evidence)" if criterion.thin else criterion.text


def _spread(criterion: CriterionResult) -> list[str]:
    stats = criterion.current
    if stats is None:
        return ["–", "–", "–"]
    return [number(stats.minimum), number(stats.maximum), str(stats.n)]


def render_deck(data: ReportData) -> bytes:
    """The whole deck as .pptx bytes."""
    deck = _Deck(data)
    deck.title_slide()
    deck.summary_slides()
    deck.chart_slides()
    for layer in data.results.layers:
        deck.layer_slide(layer)
    deck.disagreement_slide()
    deck.roadmap_slides()
    deck.next_steps_slide()
    return deck.save()
