"""The JSON export document, as an import must find it: one strict schema, the forms' rules.

Every field has the type, length and range the forms allow (the same field types from
app.domain.text); levels and comments then pass the domain's `checked_answer`, like a saved
answer. A refusal names the field's path, e.g. `participants[3].name: must not be empty`.
Extend the document here, and only here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)
from pydantic_core import PydanticCustomError

from app.db.models import MAX_ID, AssessmentStatus, RoadmapStatus
from app.domain.anonymity import DEFAULT_THRESHOLD, THRESHOLD_PROBLEM, threshold_problem
from app.domain.evidence import INCLUDE_THIN_PROBLEM, include_thin_of
from app.domain.framework import Id
from app.domain.people import DetailsRefused, ParticipantDetails, checked_details
from app.domain.roadmap import HORIZONS, MAX_IMPORTANCE, MAX_POSITION
from app.domain.text import (
    MAX_LONG_TEXT,
    InitiativeTitle,
    LongLine,
    LongText,
    Name,
    Owner,
    Title,
)

FORMAT = "gapwise-assessment"
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024  # refused unread past this, through every door
VERSION = 2  # 2 added archived_answers (answers set aside when a framework was upgraded)
READABLE_VERSIONS = (1, 2)
MAX_COUNT = 100_000  # participants in one assessment: far past any real one

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
Count = Annotated[int, Field(ge=1, le=MAX_COUNT)]
# A level code the database can hold; the framework's scale decides what a live answer may be.
Code = Annotated[int, Field(ge=-MAX_ID, le=MAX_ID)]


class ImportRefused(ValueError):
    """The document cannot be imported here; the message names what and why."""


class _Strict(BaseModel):
    """No coercion ("3" is not 3), no unknown keys, no NaN or infinity."""

    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False, frozen=True)


class FrameworkReference(_Strict):
    id: Id
    version: Annotated[str, Field(max_length=40)]
    content_hash: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class OrganisationPart(_Strict):
    name: Name
    slug: Slug


class NarrativePart(_Strict):
    """The consultant's texts for the report; clean_narrative checks their length."""

    narrative: str = ""
    key_messages: str = ""
    recommendations: str = ""


class AssessmentPart(_Strict):
    title: Title
    purpose: LongText
    status: AssessmentStatus
    target_date: date | None
    area_importance: dict[Id, Annotated[float, Field(gt=0, le=MAX_IMPORTANCE)]]
    narrative: NarrativePart = Field(default_factory=NarrativePart)  # exports before it: none
    anonymity_threshold: int = DEFAULT_THRESHOLD  # exports before it have the default
    include_thin_evidence: bool = False  # exports before it: thin evidence left out

    @field_validator("anonymity_threshold", mode="before")
    @classmethod
    def _threshold_as_the_form(cls, value: object) -> object:
        """The edit form's rule and words (app/domain/anonymity.py)."""
        whole = isinstance(value, int) and not isinstance(value, bool)  # JSON: a number
        problem = threshold_problem(value) if whole else THRESHOLD_PROBLEM
        if problem:
            raise PydanticCustomError("threshold", problem)
        return value

    @field_validator("include_thin_evidence", mode="before")
    @classmethod
    def _include_thin_as_the_form(cls, value: object) -> object:
        """The edit form's rule and words (app/domain/evidence.py)."""
        included = include_thin_of(value)
        if included is None:
            raise PydanticCustomError("include_thin_evidence", INCLUDE_THIN_PROBLEM)
        return included


Detail = str  # checked_details has the rules, lengths included (the file is at most 20 MB)


class ParticipantPart(_Strict):
    number: Count
    name: Detail
    email: Detail | None
    group: Detail
    role: Detail
    submitted_at: datetime | None

    def details(self) -> ParticipantDetails:
        """The details as the participant form stores them, or DetailsRefused."""
        return checked_details(
            ParticipantDetails(self.name, self.email or "", self.group, self.role)
        )


class AnswerPart(_Strict):
    participant: Count
    criterion_id: Annotated[str, Field(max_length=80)]
    current: int | None  # the framework's scale decides, through checked_answer
    target: int | None
    dont_know: bool
    comment: LongText
    updated_at: datetime | None
    # Exports made before "not applicable" existed have neither; checked_answer checks both.
    not_applicable: bool = False
    na_reason: Annotated[str, Field(max_length=MAX_LONG_TEXT)] = ""


class ArchivedAnswerPart(_Strict):
    """An answer set aside by a framework upgrade: history, on the levels of its own version."""

    participant: Count
    criterion_id: Annotated[str, Field(max_length=80)]
    framework_version: Annotated[str, Field(max_length=40)]
    reason: Literal["removed", "reworded", "levels changed"]
    current: Code | None
    target: Code | None
    dont_know: bool
    comment: LongText
    answered_at: datetime | None
    archived_at: datetime | None


class RoadmapPart(_Strict):
    area_id: Id | Literal[""]  # empty for an initiative the consultant added
    title: InitiativeTitle
    owner: Owner
    horizon: Annotated[int, Field(ge=0, le=len(HORIZONS) - 1)]
    status: RoadmapStatus
    reason: LongText
    notes: LongText
    # One text per action, stored one per line, at most as long as the form's box in all.
    # Exports made before actions existed have none.
    actions: list[LongLine] = Field(default_factory=list)
    outcome: LongText = ""  # exports before outcomes and dependencies have neither
    depends_on: list[LongLine] = Field(default_factory=list)
    position: Annotated[int, Field(ge=0, le=MAX_POSITION)]

    @field_validator("actions", "depends_on")
    @classmethod
    def _lines_fit_the_form(cls, actions: list[str]) -> list[str]:
        if len("\n".join(a for a in actions if a)) > MAX_LONG_TEXT:
            raise PydanticCustomError("text", f"at most {MAX_LONG_TEXT} characters")
        return actions


class AssessmentDocument(_Strict):
    format: Literal["gapwise-assessment"]
    version: Literal[1, 2]
    framework: FrameworkReference
    organisation: OrganisationPart
    assessment: AssessmentPart
    participants: list[ParticipantPart]
    answers: list[AnswerPart]
    archived_answers: list[ArchivedAnswerPart] = Field(default_factory=list)  # from version 2
    roadmap: list[RoadmapPart]


def read_document(raw: bytes) -> AssessmentDocument:
    """Parse and check a document; ImportRefused names the first problem and its path."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        limit = MAX_DOCUMENT_BYTES >> 20
        raise ImportRefused(f"file: larger than {limit} MB; is it a Gapwise JSON export?")
    try:
        document = AssessmentDocument.model_validate_json(raw)
    except ValidationError as exc:
        raise ImportRefused(_described(exc)) from None
    _check_references(document)
    return document


def path_of(location: tuple[int | str, ...]) -> str:
    """('participants', 3, 'name') -> 'participants[3].name'."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def _described(exc: ValidationError) -> str:
    errors = exc.errors()
    first = errors[0]
    if first["type"] == "json_invalid":
        problem = first["msg"].removeprefix("Invalid JSON: ")
        return f"file: not JSON ({problem}); choose a Gapwise JSON export"
    if first["loc"] and first["loc"][0] in ("format", "version") or first["type"] == "model_type":
        versions = " or ".join(str(v) for v in READABLE_VERSIONS)
        return f"format: expected a {FORMAT} document, version {versions}"
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return f"{path_of(first['loc'])}: {first['msg']}{more}"


def _check_references(document: AssessmentDocument) -> None:
    """What no single field shows: numbers used twice, answers to nobody, bad addresses."""
    numbers: set[int] = set()
    for index, person in enumerate(document.participants):
        if person.number in numbers:
            raise ImportRefused(f"participants[{index}].number: {person.number} is used twice")
        try:
            person.details()
        except DetailsRefused as refused:
            where = f"participants[{index}].{refused.field.lower()}"
            raise ImportRefused(f"{where}: {refused.message}") from None
        numbers.add(person.number)
    answered: set[tuple[int, str]] = set()
    for index, answer in enumerate(document.answers):
        _check_participant(numbers, f"answers[{index}]", answer.participant)
        if (answer.participant, answer.criterion_id) in answered:
            raise ImportRefused(
                f"answers[{index}]: participant {answer.participant} answers "
                f"'{answer.criterion_id}' more than once"
            )
        answered.add((answer.participant, answer.criterion_id))
    for index, archived in enumerate(document.archived_answers):
        _check_participant(numbers, f"archived_answers[{index}]", archived.participant)


def _check_participant(numbers: set[int], where: str, number: int) -> None:
    if number not in numbers:
        raise ImportRefused(f"{where}.participant: no participant has number {number}")
