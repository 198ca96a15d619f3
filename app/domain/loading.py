"""Read a questionnaire file into a Framework, or say precisely what is wrong with it: every
problem in one run, each with the path inside the file and its line."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from app.domain.consistency import Loc, consistency_problems, format_loc
from app.domain.framework import Criterion, Framework, sentence_count
from app.domain.levels import number


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (a path like `layers[1].areas[0].id`, a line) and what."""

    file: str
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


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
    root, data = _parse_yaml(text, name)
    problems: list[Problem] = []
    framework = None
    try:
        framework = Framework.model_validate(data)
    except ValidationError as exc:
        errors = [e for e in exc.errors() if not _is_cascade(e)]
        problems += [_problem_from_error(name, root, e) for e in errors]
    problems += [_located(name, root, loc, m) for loc, m in consistency_problems(data)]
    if framework is not None and not problems:  # rules on the help fields need valid fields
        problems += [_located(name, root, loc, m) for loc, m in _help_problems(framework)]
    if problems or framework is None:
        raise FrameworkFileError(sorted(problems, key=lambda p: p.line or 0))
    return framework


def content_hash(framework: Framework) -> str:
    """A hash of the validated content, so reformatting a file does not make a new snapshot."""
    return hashlib.sha256(framework.model_dump_json().encode()).hexdigest()


class _SafeLoader(yaml.SafeLoader):
    """Safe YAML, and no aliases: `*name` can multiply a small file into a huge document."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in a framework file", mark
            )
        return super().compose_node(parent, index)


def _parse_yaml(text: str, name: str) -> tuple[yaml.Node, dict[str, Any]]:
    loader = None
    try:
        loader = _SafeLoader(text)  # the reader refuses some characters already here
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(exc, "problem", None) or str(exc)
        where = f" (column {mark.column + 1})" if mark else ""
        raise FrameworkFileError(
            [Problem(name, "", f"invalid YAML{where}: {reason}", line)]
        ) from None
    except RecursionError:
        raise FrameworkFileError([Problem(name, "", "the YAML is nested too deeply")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if root is None or not isinstance(data, dict):
        message = "the file must hold a mapping with id, version, title, scale and layers"
        raise FrameworkFileError([Problem(name, "", message)])
    return root, data


def _node_at(root: yaml.Node, loc: Loc) -> tuple[int | None, yaml.Node | None]:
    """The line of `loc` in the file (of its key, for a mapping entry) and its node, if any."""
    node: yaml.Node | None = root
    line = None
    for part in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        child = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == str(part):
                    line, child = key.start_mark.line + 1, value
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(node.value):
                child = node.value[part]
                line = child.start_mark.line + 1
        node = child
    return line, node


def _located(name: str, root: yaml.Node, loc: Loc, message: str) -> Problem:
    return Problem(name, format_loc(loc), message, _node_at(root, loc)[0])


_MESSAGES = {
    "missing": "missing field",
    "extra_forbidden": "unknown field",
    "string_pattern_mismatch": "not a valid id: use lower-case letters, digits, '-' and '.'",
    "string_too_short": "must not be empty",
    "float_parsing": "not a level: use one of the level values",
    "model_type": "must be a mapping of fields (name: value lines)",
    "dict_type": "must be a mapping (name: value lines)",
    "tuple_type": "must be a list (lines starting with '- ')",
    "list_type": "must be a list (lines starting with '- ')",
}


def _is_cascade(error: Any) -> bool:
    """Pydantic also calls a list too short when one of its items failed; that is noise."""
    if error["type"] != "too_short":
        return False
    return bool(len(error["input"]) >= error["ctx"]["min_length"])


def _problem_from_error(name: str, root: yaml.Node, error: Any) -> Problem:
    loc = tuple(error["loc"])
    line, node = _node_at(root, loc)
    return Problem(name, format_loc(loc), _message(error, node), line)


def _message(error: Any, node: yaml.Node | None) -> str:
    kind = error["type"]
    if kind == "string_type" and isinstance(error["input"], bool | int | float):
        return _not_text(error["input"], node)
    if kind in ("int_from_float", "int_parsing") and error["loc"][:1] == ("scale",):
        return (
            "scale levels are whole numbers; for answers like 0.25 define an answer set "
            "and name it in the criteria's answer_set (see “How to write a framework file”, "
            "linked from the Frameworks page)"
        )
    if kind == "too_short":
        return f"must list at least {error['ctx']['min_length']} item(s)"
    if kind == "too_long":
        return f"must list at most {error['ctx']['max_length']} item(s)"
    if kind == "string_too_long":
        return f"too long: at most {error['ctx']['max_length']} characters"
    return _MESSAGES.get(kind, str(error["msg"]))


def _not_text(value: object, node: yaml.Node | None) -> str:
    """YAML 1.1 turns an unquoted No, Yes, On or Off into a boolean, and 1.0 into a number."""
    written = str(node.value) if isinstance(node, yaml.ScalarNode) else str(value)
    if isinstance(value, bool):
        return (
            f"YAML reads an unquoted {written} as {str(value).lower()} (YAML 1.1 treats "
            f'yes/no/on/off/true/false as booleans), not as text: write "{written}" in quotes'
        )
    return f'must be text, but YAML read {written} as a number: write "{written}" in quotes'


def _criteria_with_locs(framework: Framework) -> Iterator[tuple[Criterion, Loc]]:
    for li, layer in enumerate(framework.layers):
        for ai, area in enumerate(layer.areas):
            at: Loc = ("layers", li, "areas", ai)
            for ci, criterion in enumerate(area.criteria):
                yield criterion, (*at, "criteria", ci)
            for si, sub in enumerate(area.sub_components):
                for ci, criterion in enumerate(sub.criteria):
                    yield criterion, (*at, "sub_components", si, "criteria", ci)


MIN_ANCHORS = 3  # fewer leaves most of the levels to guesswork


def _help_problems(framework: Framework) -> Iterator[tuple[Loc, str]]:
    """Anchors, hint and evidence that a participant or consultant could not use as written."""
    for criterion, at in _criteria_with_locs(framework):
        if criterion.guidance and criterion.evidence:
            yield (*at, "guidance"), "give evidence or guidance (its older name), not both"
        if criterion.hint and sentence_count(criterion.hint) > 1:
            message = "keep the hint to one sentence: a participant has about 30 seconds"
            yield (*at, "hint"), message
        if criterion.anchors is not None:
            for loc, message in _anchor_problems(criterion, framework):
                yield (*at, *loc), message


def _anchor_problems(criterion: Criterion, framework: Framework) -> Iterator[tuple[Loc, str]]:
    """At least three levels (fewer on a short scale), the top one included, the WGLL one not:
    the statement itself describes the level `wgll_level` names. Levels are those of the
    criterion's own scale or answer set (an answer set has no WGLL level)."""
    anchors = criterion.anchors or {}
    levels = framework.levels_of(criterion)
    wgll = framework.scale.wgll_level if levels.is_scale else None
    describable = [v for v in levels.values if v != wgll]
    wanted = min(MIN_ANCHORS, len(describable))
    if len(anchors) < wanted:
        listed = ", ".join(number(v) for v in sorted(anchors)) or "none"
        yield ("anchors",), f"describe at least {wanted} levels (found {listed})"
    top = levels.maximum
    if top != wgll and top not in anchors:
        message = f"describe the top level {number(top)} too: it is the one most misread"
        yield ("anchors",), message
    if wgll is not None and wgll in anchors:
        message = (
            f"leave level {wgll} out: the statement as written describes it (scale.wgll_level)"
        )
        yield ("anchors", wgll), message


HELP_FIELDS = ("anchors", "hint", "action")


def completeness_problems(framework: Framework, name: str) -> list[Problem]:
    """Criteria without anchors, a hint or an action: what `gapwise validate --complete` refuses."""
    problems = []
    for criterion, at in _criteria_with_locs(framework):
        missing = [field for field in HELP_FIELDS if getattr(criterion, field) is None]
        if missing:
            message = (
                f"'{criterion.id}' has no {', '.join(missing)} (--complete asks for all three)"
            )
            problems.append(Problem(name, format_loc(at), message))
    return problems
