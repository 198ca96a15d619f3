"""Read a questionnaire file into a Framework, or say precisely what is wrong with it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from app.domain.framework import Criterion, Framework, sentence_count


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (a path like `layers[1].areas[0].id`) and what."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"


class FrameworkFileError(Exception):
    """A questionnaire file that cannot be used; `problems` lists every reason found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def load_framework(path: Path | str) -> Framework:
    """Parse and validate one YAML file; raise FrameworkFileError listing every problem."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FrameworkFileError([Problem(name, "", f"cannot read the file: {exc}")]) from None
    return parse_framework(text, name)


def parse_framework(text: str, name: str = "<text>") -> Framework:
    """Validate YAML text as a framework; `name` is used in the messages."""
    data = _parse_yaml(text, name)
    try:
        framework = Framework.model_validate(data)
    except ValidationError as exc:
        errors = [e for e in exc.errors() if not _is_cascade(e)]
        raise FrameworkFileError([_problem_from_error(name, e) for e in errors]) from None
    problems = [Problem(name, p, m) for p, m in _consistency_problems(framework)]
    if problems:
        raise FrameworkFileError(problems)
    return framework


def content_hash(framework: Framework) -> str:
    """A hash of the validated content, so reformatting a file does not make a new snapshot."""
    return hashlib.sha256(framework.model_dump_json().encode()).hexdigest()


def _parse_yaml(text: str, name: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        raise FrameworkFileError([Problem(name, where, f"invalid YAML: {reason}")]) from None
    if not isinstance(data, dict):
        message = "the file must hold a mapping with id, version, title, scale and layers"
        raise FrameworkFileError([Problem(name, "", message)])
    return data


def _format_path(loc: Sequence[int | str]) -> str:
    text = ""
    for part in loc:
        if part == "[key]":  # pydantic's marker for a bad mapping key: the key is named already
            continue
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


_MESSAGES = {
    "missing": "missing field",
    "extra_forbidden": "unknown field",
    "string_pattern_mismatch": "not a valid id: use lower-case letters, digits, '-' and '.'",
    "string_too_short": "must not be empty",
    "int_parsing": "not a level: use a whole number",
}


def _is_cascade(error: Any) -> bool:
    """Pydantic also calls a list too short when one of its items failed; that is noise."""
    if error["type"] != "too_short":
        return False
    return bool(len(error["input"]) >= error["ctx"]["min_length"])


def _problem_from_error(name: str, error: Any) -> Problem:
    kind = error["type"]
    message = _MESSAGES.get(kind, error["msg"])
    if kind == "too_short":
        message = f"must list at least {error['ctx']['min_length']} item(s)"
    elif kind == "string_too_long":
        message = f"too long: at most {error['ctx']['max_length']} characters"
    return Problem(name, _format_path(error["loc"]), message)


def _consistency_problems(framework: Framework) -> Iterator[tuple[str, str]]:
    yield from _scale_problems(framework)
    yield from _empty_area_problems(framework)
    yield from _duplicate_id_problems(framework)
    for criterion, path in _criteria_with_paths(framework):
        yield from (
            (f"{path}.{field}", message) for field, message in _help_problems(criterion, framework)
        )


def _scale_problems(framework: Framework) -> Iterator[tuple[str, str]]:
    values = framework.scale.values
    for i, value in enumerate(values):
        if value in values[:i]:
            yield f"scale.levels[{i}].value", f"duplicate level {value}"
        elif i and value < values[i - 1]:
            yield f"scale.levels[{i}].value", "levels must be listed from lowest to highest"
    wgll = framework.scale.wgll_level
    if wgll is not None and wgll not in values:
        known = ", ".join(str(v) for v in values)
        yield "scale.wgll_level", f"unknown level {wgll} (the scale has {known})"


def _empty_area_problems(framework: Framework) -> Iterator[tuple[str, str]]:
    for li, layer in enumerate(framework.layers):
        for ai, area in enumerate(layer.areas):
            if next(area.all_criteria(), None) is None:
                yield f"layers[{li}].areas[{ai}]", f"area '{area.id}' has no criteria"


def _ids_with_paths(framework: Framework) -> Iterator[tuple[str, str]]:
    for li, layer in enumerate(framework.layers):
        at = f"layers[{li}]"
        yield layer.id, f"{at}.id"
        for ai, area in enumerate(layer.areas):
            yield area.id, f"{at}.areas[{ai}].id"
            for ci, criterion in enumerate(area.criteria):
                yield criterion.id, f"{at}.areas[{ai}].criteria[{ci}].id"
            for si, sub in enumerate(area.sub_components):
                sub_at = f"{at}.areas[{ai}].sub_components[{si}]"
                yield sub.id, f"{sub_at}.id"
                for ci, criterion in enumerate(sub.criteria):
                    yield criterion.id, f"{sub_at}.criteria[{ci}].id"


def _criteria_with_paths(framework: Framework) -> Iterator[tuple[Criterion, str]]:
    for li, layer in enumerate(framework.layers):
        for ai, area in enumerate(layer.areas):
            at = f"layers[{li}].areas[{ai}]"
            for ci, criterion in enumerate(area.criteria):
                yield criterion, f"{at}.criteria[{ci}]"
            for si, sub in enumerate(area.sub_components):
                for ci, criterion in enumerate(sub.criteria):
                    yield criterion, f"{at}.sub_components[{si}].criteria[{ci}]"


MIN_ANCHORS = 3  # fewer leaves most of the scale to guesswork


def _help_problems(criterion: Criterion, framework: Framework) -> Iterator[tuple[str, str]]:
    """Anchors, hint and evidence that a participant or consultant could not use as written."""
    if criterion.guidance and criterion.evidence:
        yield "guidance", "give evidence or guidance (its older name), not both"
    if criterion.hint and sentence_count(criterion.hint) > 1:
        yield "hint", "keep the hint to one sentence: a participant has about 30 seconds"
    if criterion.anchors is not None:
        yield from _anchor_problems(criterion.anchors, framework)


def _anchor_problems(anchors: dict[int, str], framework: Framework) -> Iterator[tuple[str, str]]:
    """At least three levels (fewer on a short scale), the top one included, the WGLL one not:
    the statement itself describes the level `wgll_level` names."""
    scale = framework.scale
    wgll = scale.wgll_level
    describable = [v for v in scale.values if v != wgll]
    wanted = min(MIN_ANCHORS, len(describable))
    if len(anchors) < wanted:
        listed = ", ".join(str(v) for v in sorted(anchors)) or "none"
        yield "anchors", f"describe at least {wanted} levels (found {listed})"
    if scale.maximum != wgll and scale.maximum not in anchors:
        yield "anchors", f"describe the top level {scale.maximum} too: it is the one most misread"
    if wgll in anchors:
        yield (
            f"anchors[{wgll}]",
            f"leave level {wgll} out: the statement as written describes it (scale.wgll_level)",
        )


HELP_FIELDS = ("anchors", "hint", "action")


def completeness_problems(framework: Framework, name: str) -> list[Problem]:
    """Criteria without anchors, a hint or an action: what `gapwise validate --complete` refuses."""
    problems = []
    for criterion, path in _criteria_with_paths(framework):
        missing = [field for field in HELP_FIELDS if getattr(criterion, field) is None]
        if missing:
            message = (
                f"'{criterion.id}' has no {', '.join(missing)} (--complete asks for all three)"
            )
            problems.append(Problem(name, path, message))
    return problems


def _duplicate_id_problems(framework: Framework) -> Iterator[tuple[str, str]]:
    first_seen: dict[str, str] = {}
    for id_, path in _ids_with_paths(framework):
        if id_ in first_seen:
            yield path, f"duplicate id '{id_}' (first used at {first_seen[id_]})"
        else:
            first_seen[id_] = path
