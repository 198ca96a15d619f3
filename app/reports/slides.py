"""Drawing on a 16:9 slide with python-pptx: text boxes, bullet lists, tables, pictures.

Everything a person may want to edit stays editable: text is real text in text boxes and
tables (never text inside an image), in the deck's one font, sized for a room.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.slide import Slide
from pptx.text.text import _Paragraph
from pptx.util import Emu, Inches, Pt

from app.domain.branding import LogoImage
from app.domain.narrative import Bullets, Paragraph, blocks

FONT = "DejaVu Sans"  # the charts' font, so a slide reads as one piece
INK = "1c2430"
MUTED = "5b6675"
LINE = "dfe3e8"
WASH = "f5f7f9"
WHITE = "ffffff"


@dataclass(frozen=True)
class Box:
    """A rectangle on the slide, in inches."""

    left: float
    top: float
    width: float
    height: float

    def emu(self) -> tuple[Emu, Emu, Emu, Emu]:
        return Inches(self.left), Inches(self.top), Inches(self.width), Inches(self.height)


@dataclass(frozen=True)
class Style:
    size: float = 16
    colour: str = INK
    bold: bool = False
    align: PP_ALIGN = PP_ALIGN.LEFT


def rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


def _run(paragraph: _Paragraph, text: str, style: Style) -> None:
    run = paragraph.add_run()
    run.text = text
    font = run.font
    font.name, font.size, font.bold = FONT, Pt(style.size), style.bold
    font.color.rgb = rgb(style.colour)
    paragraph.alignment = style.align


def text(
    slide: Slide, box: Box, lines: Sequence[str], style: Style = Style(), *, middle: bool = False
) -> None:
    """A text box holding one paragraph per line."""
    frame = slide.shapes.add_textbox(*box.emu()).text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE if middle else MSO_ANCHOR.TOP
    frame.margin_left = frame.margin_right = 0
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        _run(paragraph, line, style)
        paragraph.space_after = Pt(style.size * 0.5)


def bullets(slide: Slide, box: Box, items: Sequence[str], style: Style = Style()) -> None:
    """A text box of bullet points, with a hanging indent so wrapped lines align."""
    frame = slide.shapes.add_textbox(*box.emu()).text_frame
    frame.word_wrap = True
    frame.margin_left = frame.margin_right = 0
    for index, item in enumerate(items):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        _run(paragraph, item, style)
        paragraph.space_after = Pt(style.size * 0.45)
        properties = paragraph._p.get_or_add_pPr()
        properties.set("marL", str(Pt(style.size * 1.3)))
        properties.set("indent", str(-Pt(style.size * 1.3)))
        etree.SubElement(properties, qn("a:buFont")).set("typeface", FONT)
        etree.SubElement(properties, qn("a:buChar")).set("char", "•")


def panel(slide: Slide, box: Box, fill: str, *, rounded: bool = False) -> None:
    """A plain filled rectangle, no outline: bands, cards and rules."""
    kind = MSO_SHAPE.ROUNDED_RECTANGLE if rounded else MSO_SHAPE.RECTANGLE
    shape = slide.shapes.add_shape(kind, *box.emu())
    shape.fill.solid()
    shape.fill.fore_color.rgb = rgb(fill)
    shape.line.fill.background()
    shape.shadow.inherit = False
    if rounded:
        shape.adjustments[0] = 0.08


MIN_DPI = 200  # a picture is never enlarged past this: it stays sharp when projected


def picture(slide: Slide, image: bytes, box: Box, alt: str, *, centre: bool = True) -> None:
    """A raster image fitted inside the box, keeping its shape, with alt text."""
    width, height = _pixel_size(image)
    scale = min(box.width / width, box.height / height, 1 / MIN_DPI)
    shown = Box(box.left, box.top, width * scale, height * scale)
    if centre:
        shown = Box(
            box.left + (box.width - shown.width) / 2,
            box.top + (box.height - shown.height) / 2,
            shown.width,
            shown.height,
        )
    added = slide.shapes.add_picture(io.BytesIO(image), *shown.emu())
    added._element.nvPicPr.cNvPr.set("descr", alt)


def logo(slide: Slide, image: LogoImage, box: Box, alt: str, *, right: bool = False) -> None:
    """A logo fitted inside the box, aligned left (or right)."""
    scale = min(box.width / image.width, box.height / image.height)
    width, height = image.width * scale, image.height * scale
    left = box.left + box.width - width if right else box.left
    top = box.top + (box.height - height) / 2
    added = slide.shapes.add_picture(
        io.BytesIO(image.content), *Box(left, top, width, height).emu()
    )
    added._element.nvPicPr.cNvPr.set("descr", alt)


def _pixel_size(image: bytes) -> tuple[int, int]:
    """A PNG's width and height from its header."""
    return int.from_bytes(image[16:20], "big"), int.from_bytes(image[20:24], "big")


def table(
    slide: Slide,
    box: Box,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    *,
    size: float = 12,
    numeric: Sequence[int] = (),
) -> None:
    """A real table: a bold header row, light rules, numbers right-aligned."""
    row_height = Inches(box.height / (len(rows) + 1))
    shape = slide.shapes.add_table(len(rows) + 1, len(header), *box.emu())
    grid = shape.table
    grid.first_row = True
    for index, width in enumerate(widths):
        grid.columns[index].width = Inches(width)
    for row_index, values in enumerate([header, *rows]):
        grid.rows[row_index].height = row_height
        for column, value in enumerate(values):
            cell = grid.cell(row_index, column)
            cell.fill.solid()
            cell.fill.fore_color.rgb = rgb(WASH if row_index == 0 else WHITE)
            cell.margin_top = cell.margin_bottom = Pt(3)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            frame = cell.text_frame
            frame.word_wrap = True
            align = PP_ALIGN.RIGHT if column in numeric else PP_ALIGN.LEFT
            colour = MUTED if row_index == 0 else INK
            _run(frame.paragraphs[0], value, Style(size, colour, row_index == 0, align))


def narrative_lines(text_: str) -> list[str]:
    """Every bullet and paragraph of a text, as one list of lines."""
    lines: list[str] = []
    for block in blocks(text_):
        lines.extend(block.items if isinstance(block, Bullets) else [block.text])
    return lines


def paginate(
    all_blocks: Sequence[Paragraph | Bullets], budget: int
) -> list[tuple[Paragraph | Bullets, ...]]:
    """Blocks grouped into pages of about `budget` characters; a block is never split."""
    pages: list[list[Paragraph | Bullets]] = []
    used = budget
    for block in all_blocks:
        size = sum(map(len, block.items)) if isinstance(block, Bullets) else len(block.text)
        if used + size > budget and (used or not pages):
            pages.append([])
            used = 0
        pages[-1].append(block)
        used += size
    return [tuple(page) for page in pages]


def narrative_column(slide: Slide, box: Box, page: Sequence[Paragraph | Bullets]) -> None:
    """Paragraphs and bullet lists stacked in a column, each in its own text box."""
    top = box.top
    for block in page:
        lines = block.items if isinstance(block, Bullets) else (block.text,)
        height = 0.34 * sum(1 + len(line) // 62 for line in lines) + 0.15
        inner = Box(box.left, top, box.width, min(height, box.top + box.height - top))
        if isinstance(block, Bullets):
            bullets(slide, inner, block.items, Style(16))
        else:
            text(slide, inner, [block.text], Style(16))
        top += height
