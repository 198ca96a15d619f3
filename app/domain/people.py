"""Participants' details: the one set of rules for a participant, whether typed into the form,
pasted as a list, uploaded as CSV or imported, and how a pasted list is read.

A list has one person per line: name, email, group, role, separated by commas (quotes as in
CSV) or by tabs (as pasted from a spreadsheet). Only the name is required; a first line that
starts with "name" is taken for a header.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from app.domain.text import MAX_EMAIL, MAX_GROUP, MAX_NAME, MAX_ROLE, TextRefused, clean_text

NAME_LENGTH, EMAIL_LENGTH, GROUP_LENGTH, ROLE_LENGTH = MAX_NAME, MAX_EMAIL, MAX_GROUP, MAX_ROLE
MAX_LIST_ROWS = 200  # a whole management team; the links page keeps their ids in a cookie
COLUMNS = ("name", "email", "group", "role")


class DetailsRefused(ValueError):
    """Details that cannot be stored; `field` names the field in the user's words."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ParticipantDetails:
    name: str = ""
    email: str = ""
    group: str = ""
    role: str = ""


def _within(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise DetailsRefused(field, f"at most {limit} characters (this one has {len(value)})")


def _line(field: str, value: str) -> str:
    """One line under the rule for all text (app/domain/text.py), inner spaces collapsed."""
    try:
        return " ".join(clean_text(value, one_line=True).split())
    except TextRefused as refused:
        raise DetailsRefused(field, str(refused)) from None


def checked_details(details: ParticipantDetails) -> ParticipantDetails:
    """The details as stored (spaces trimmed, email in lower case), or DetailsRefused."""
    name, email = _line("Name", details.name), _line("Email", details.email).lower()
    group, role = _line("Group", details.group), _line("Role", details.role)
    if not name:
        raise DetailsRefused("Name", "give the participant's name")
    _within("Name", name, NAME_LENGTH)
    _within("Email", email, EMAIL_LENGTH)
    local, _, domain = email.partition("@")
    if email and (not local or "." not in domain or " " in email or domain.endswith(".")):
        raise DetailsRefused(
            "Email", f"'{email}' is not an email address; leave it empty to copy the link"
        )
    _within("Group", group, GROUP_LENGTH)
    _within("Role", role, ROLE_LENGTH)
    return ParticipantDetails(name, email, group, role)


@dataclass(frozen=True)
class ListProblem:
    line: int
    text: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.text}"


@dataclass(frozen=True)
class ParsedList:
    people: tuple[ParticipantDetails, ...]
    problems: tuple[ListProblem, ...]


def _rows(text: str) -> Iterable[tuple[int, list[str] | ListProblem]]:
    """(line number, cells) for each non-blank line; tabs win over commas when present. A
    line the csv module cannot read (a field over its 128 KiB limit) ends the list with a
    problem instead of cells."""
    lines = text.splitlines()
    delimiter = "\t" if any("\t" in line for line in lines) else ","
    # skipinitialspace: `Ann, ann@x.org, Sales, "Head of CX, Europe"` quotes its last field
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter, skipinitialspace=True)
    try:
        for number, cells in enumerate(reader, start=1):
            if any(cell.strip() for cell in cells):
                yield number, cells
    except csv.Error as error:
        line = reader.line_num
        yield line, ListProblem(line, f"cannot be read as name, email, group, role ({error})")


def _is_header(cells: list[str]) -> bool:
    return bool(cells) and cells[0].strip().lower() in ("name", "full name")


def parse_people(text: str, known_emails: Iterable[str] = ()) -> ParsedList:
    """Every person in a pasted list or CSV file, and every problem, each with its line.

    An email given twice (in the list, or already among `known_emails`) is a problem: the
    same person would get two links.
    """
    people: list[ParticipantDetails] = []
    problems: list[ListProblem] = []
    seen = {email.lower(): "already invited" for email in known_emails if email}
    for number, cells in _rows(text):
        if isinstance(cells, ListProblem):
            problems.append(cells)
            continue
        if number == 1 and _is_header(cells):
            continue
        if len(cells) > len(COLUMNS):
            problems.append(ListProblem(number, _too_many(cells)))
            continue
        try:
            person = checked_details(ParticipantDetails(*cells))
        except DetailsRefused as refused:
            problems.append(ListProblem(number, str(refused)))
            continue
        if person.email and person.email in seen:
            problems.append(ListProblem(number, f"Email: {person.email} is {seen[person.email]}"))
            continue
        seen[person.email] = f"also on line {number}"
        people.append(person)
    if len(people) + len(problems) > MAX_LIST_ROWS:
        problems.insert(0, ListProblem(1, f"at most {MAX_LIST_ROWS} people at a time"))
    if not people and not problems:
        problems.append(ListProblem(1, "the list is empty: one person per line, name first"))
    return ParsedList(tuple(people), tuple(problems))


def _too_many(cells: list[str]) -> str:
    return (
        f"{len(cells)} columns, but a line has at most four: name, email, group, role "
        "(put a name that contains a comma in double quotes)"
    )
