"""The invitation and reminder texts: placeholders, checks, and the HTML made from them."""

from __future__ import annotations

import pytest

from app.domain.messages import DEFAULT_INVITATION, DEFAULT_REMINDER, compose, text_problem

VALUES = {
    "name": "Priya <Raman>",
    "assessment": "Baseline",
    "organisation": "Acme & Co",
    "purpose": "",
    "by_target_date": " by 30 June 2028",
    "minutes": "55",
    "consultant": "Dana Kowalski",
    "link": "http://127.0.0.1:8111/p/abc?x=1&y=2",
}


@pytest.mark.parametrize("text", [DEFAULT_INVITATION, DEFAULT_REMINDER])
def test_the_default_texts_can_be_used(text: str) -> None:
    assert text_problem(text) == ""


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Hello {nmae}, {link}", "{nmae} is not a placeholder; use {name}, "),
        ("{date} {lnk} {link}", "{date}, {lnk} are not placeholders; use {name}, "),
        ("Hello {name}", "it must contain {link}"),
        ("{link}" + "x" * 4000, "at most 4000 characters"),
    ],
)
def test_a_text_that_cannot_work_is_refused_with_the_reason(text: str, problem: str) -> None:
    assert problem in text_problem(text)


def test_the_email_has_a_text_and_an_html_part_with_every_value_escaped() -> None:
    email = compose(DEFAULT_INVITATION, "Your invitation: {assessment}\n({organisation})", VALUES)

    assert email.subject == "Your invitation: Baseline (Acme & Co)"
    assert "Hello Priya <Raman>," in email.text
    assert "where it should be by 30 June 2028." in email.text
    assert "\n\n\n" not in email.text  # the empty purpose leaves no gap
    assert "Hello Priya &lt;Raman&gt;," in email.html
    assert "Acme &amp; Co" in email.html and "<Raman>" not in email.html
    assert '<a href="http://127.0.0.1:8111/p/abc?x=1&amp;y=2">' in email.html
    assert email.html.count("<p>") == email.text.strip().count("\n\n") + 1
    assert "Dana Kowalski" in email.text
