"""The dot plot of a criterion's answers (workshop and results drill-down)."""

from __future__ import annotations

import re

import pytest

from app.domain.levels import AnswerLevels, Option
from app.domain.workshop import Vote, summarise
from app.web.templating import templates
from app.web.workshop_stage import NARROW, WIDE, strip_plot

SCALE = AnswerLevels("scale", "Scale", tuple(Option(v, float(v), f"L{v}", "d") for v in range(6)))


@pytest.mark.parametrize("shape", [WIDE, NARROW])
def test_a_mean_past_the_middle_is_labelled_on_its_left_so_it_stays_on_the_plot(shape) -> None:
    votes = [Vote(1, 5), Vote(1, 5), Vote(2, 4)]  # today's mean 1.3, the target's 4.7
    plot = strip_plot("Who answered what", SCALE, summarise(SCALE, votes), {}, shape)

    svg = templates.env.get_template("workshop/_plot.html").module.plot(plot)

    today, target = re.findall(r'<text class="plot__mean-label" ([^>]*)>mean ([\d.]+)<', svg)
    assert today[1] == "1.3" and "text-anchor" not in today[0]
    assert target[1] == "4.7" and 'text-anchor="end"' in target[0]
    (today_row, target_row) = plot.rows
    assert float(re.search(r'x="([\d.]+)"', target[0])[1]) < target_row.mean_x
    assert float(re.search(r'x="([\d.]+)"', today[0])[1]) > today_row.mean_x


def test_the_plot_rounds_a_mean_as_the_tables_do() -> None:
    votes = [Vote(1, 3), Vote(1, 3), Vote(1, 3), Vote(2, 3)]  # today's mean 1.25: 1.3, not 1.2
    plot = strip_plot("Who answered what", SCALE, summarise(SCALE, votes), {}, WIDE)

    svg = templates.env.get_template("workshop/_plot.html").module.plot(plot)

    assert "mean 1.3<" in svg and "Today mean <strong>1.3</strong>" in svg


def test_the_plot_writes_an_answer_set_s_means_with_its_two_decimals() -> None:
    values = (0.0, 0.25, 0.5, 1.0)  # an answer set: its means need two decimals, as in the tables
    answers = AnswerLevels(
        "yes-no", "Yes or no", tuple(Option(i, v, f"A{i}", "d") for i, v in enumerate(values))
    )
    votes = [Vote(1, 3), Vote(3, 3)]  # today (0.25 + 1) / 2 = 0.625
    plot = strip_plot("Who answered what", answers, summarise(answers, votes), {}, WIDE)

    svg = templates.env.get_template("workshop/_plot.html").module.plot(plot)

    assert "mean 0.63<" in svg and "Today mean <strong>0.63</strong>" in svg
