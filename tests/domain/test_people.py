"""One set of rules for a participant's details, and how a pasted list or CSV file is read."""

from __future__ import annotations

import pytest

from app.domain.people import (
    MAX_LIST_ROWS,
    DetailsRefused,
    ParticipantDetails,
    checked_details,
    parse_people,
)


@pytest.mark.parametrize(
    ("details", "message"),
    [
        (ParticipantDetails("  "), "Name: give the participant's name"),
        (ParticipantDetails("x" * 201), "Name: at most 200 characters (this one has 201)"),
        (ParticipantDetails("Ann", "ann@"), "Email: 'ann@' is not an email address"),
        (ParticipantDetails("Ann", "ann example@x.com"), "is not an email address"),
        (ParticipantDetails("Ann", "ann@localhost"), "is not an email address"),
        (ParticipantDetails("Ann", group="g" * 81), "Group: at most 80 characters"),
        (ParticipantDetails("Ann", role="r" * 121), "Role: at most 120 characters"),
    ],
)
def test_refused_details_name_the_field(details: ParticipantDetails, message: str) -> None:
    with pytest.raises(DetailsRefused) as refused:
        checked_details(details)

    assert message in str(refused.value)


def test_details_are_stored_trimmed_with_the_email_in_lower_case() -> None:
    stored = checked_details(
        ParticipantDetails("  Priya   Raman ", " Priya@Example.COM ", " Lead ")
    )

    assert stored == ParticipantDetails("Priya Raman", "priya@example.com", "Lead", "")


def test_a_pasted_list_with_commas_quotes_a_header_and_blank_lines() -> None:
    text = (
        "Name, Email, Group, Role\n"
        "Priya Raman, priya@example.com, Leadership, Chief Operating Officer\n"
        "\n"
        '"Okafor, Tom",,Front line\n'
        "Ann Lee\n"
    )

    parsed = parse_people(text)

    assert parsed.problems == ()
    assert [p.name for p in parsed.people] == ["Priya Raman", "Okafor, Tom", "Ann Lee"]
    assert parsed.people[0].role == "Chief Operating Officer"
    assert parsed.people[1] == ParticipantDetails("Okafor, Tom", "", "Front line", "")


def test_a_quoted_field_after_a_comma_and_a_space_is_one_field() -> None:
    parsed = parse_people('Zoë Martin, zoe@example.com, Leadership, "Head of CX, Europe"\n')

    assert parsed.problems == ()
    assert parsed.people == (
        ParticipantDetails("Zoë Martin", "zoe@example.com", "Leadership", "Head of CX, Europe"),
    )


def test_columns_pasted_from_a_spreadsheet_are_split_on_tabs() -> None:
    parsed = parse_people("Ann Lee\tann@example.com\tLeadership\tCEO, founder\n")

    assert parsed.people == (
        ParticipantDetails("Ann Lee", "ann@example.com", "Leadership", "CEO, founder"),
    )


def test_every_problem_is_listed_with_its_line_and_nobody_is_half_taken() -> None:
    text = (
        "Ann Lee, ann@example.com\n"
        ", no-name@example.com\n"
        "Bob, not-an-address\n"
        "Cleo, ANN@example.com\n"
        "Dan, dan@example.com, Group, Role, one too many\n"
        "Eve, eve@example.com\n"
    )

    parsed = parse_people(text, known_emails=["eve@example.com"])

    assert [str(p) for p in parsed.problems] == [
        "Line 2: Name: give the participant's name",
        "Line 3: Email: 'not-an-address' is not an email address; leave it empty to copy the link",
        "Line 4: Email: ann@example.com is also on line 1",
        "Line 5: 5 columns, but a line has at most four: name, email, group, role "
        "(put a name that contains a comma in double quotes)",
        "Line 6: Email: eve@example.com is already invited",
    ]


def test_an_empty_list_and_a_list_too_long_are_refused() -> None:
    too_long = "\n".join(f"Person {n}" for n in range(MAX_LIST_ROWS + 1))

    assert "the list is empty" in str(parse_people(" \n\n").problems[0])
    assert f"at most {MAX_LIST_ROWS} people" in str(parse_people(too_long).problems[0])
