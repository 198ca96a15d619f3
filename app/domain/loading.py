"""Read a questionnaire file into a Framework, or say precisely what is wrong with it: every
problem in one run, each with the path inside the file and its line."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from app.domain.consistency import Loc, consistency_problems, format_loc
from app.domain.framework import Framework


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
    loader = _SafeLoader(text)
    try:
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
            "and name it in the criteria's answer_set (see docs/questionnaire-format.md)"
        )
    if kind == "too_short":
        return f"must list at least {error['ctx']['min_length']} item(s)"
    if kind == "too_long":
        return f"must list at most {error['ctx']['max_length']} item(s)"
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
