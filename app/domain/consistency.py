"""Rules across a framework file that field types cannot state: unique ids, ordered levels,
known answer sets, anchors on real levels, attribution for quoted text.

They read the raw YAML data, not the validated model, so they run even when some fields are
invalid: a file's author sees every problem in one run, not one batch after another.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from app.domain.levels import SCALE, number

Loc = tuple[int | float | str, ...]
Found = tuple[Loc, str]


def consistency_problems(data: Mapping[str, Any]) -> Iterator[Found]:
    yield from _levels_problems(("scale",), data.get("scale"), "the scale")
    for name, answer_set in _mapping(data.get("answer_sets")).items():
        at: Loc = ("answer_sets", name)
        if name == SCALE:
            yield at, f"'{SCALE}' names the framework's own scale; give the answer set another name"
        yield from _levels_problems(at, answer_set, f"answer set '{name}'")
    yield from _wgll_problems(data)
    yield from _empty_area_problems(data)
    yield from _duplicate_id_problems(data)
    yield from _criterion_level_problems(data)
    yield from _attribution_problems(data)


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _items(node: object, key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """The mappings listed under `key`, with their index; anything malformed is skipped."""
    value = _mapping(node).get(key)
    if isinstance(value, list):
        yield from ((i, item) for i, item in enumerate(value) if isinstance(item, dict))


def _number(value: object) -> float | None:
    """A level value as YAML gave it (3, 0.25, "0.25"); None when it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        return None


def _level_values(levels_holder: object) -> list[float]:
    found = (_number(level.get("value")) for _, level in _items(levels_holder, "levels"))
    return [value for value in found if value is not None]


def _levels_problems(at: Loc, holder: object, what: str) -> Iterator[Found]:
    seen: list[float] = []
    for i, level in _items(holder, "levels"):
        value = _number(level.get("value"))
        if value is None:
            continue
        where = (*at, "levels", i, "value")
        if value in seen:
            yield where, f"duplicate level {number(value)} in {what}"
        elif seen and value < seen[-1]:
            yield where, "levels must be listed from lowest to highest"
        seen.append(value)


def _wgll_problems(data: Mapping[str, Any]) -> Iterator[Found]:
    scale = _mapping(data.get("scale"))
    wgll = _number(scale.get("wgll_level"))
    values = _level_values(scale)
    if wgll is not None and values and wgll not in values:
        known = ", ".join(number(v) for v in values)
        yield ("scale", "wgll_level"), f"unknown level {number(wgll)} (the scale has {known})"


def _areas(data: Mapping[str, Any]) -> Iterator[tuple[Loc, dict[str, Any]]]:
    for li, layer in _items(data, "layers"):
        for ai, area in _items(layer, "areas"):
            yield ("layers", li, "areas", ai), area


def _criteria(data: Mapping[str, Any]) -> Iterator[tuple[Loc, dict[str, Any]]]:
    for at, area in _areas(data):
        for ci, criterion in _items(area, "criteria"):
            yield (*at, "criteria", ci), criterion
        for si, sub in _items(area, "sub_components"):
            for ci, criterion in _items(sub, "criteria"):
                yield (*at, "sub_components", si, "criteria", ci), criterion


def _empty_area_problems(data: Mapping[str, Any]) -> Iterator[Found]:
    """An area with neither criteria nor sub-components (an empty sub-component says so itself)."""
    for at, area in _areas(data):
        if not area.get("criteria") and not area.get("sub_components"):
            yield at, f"area '{area.get('id')}' has no criteria"


def _ids_with_locs(data: Mapping[str, Any]) -> Iterator[tuple[object, Loc]]:
    for li, layer in _items(data, "layers"):
        yield layer.get("id"), ("layers", li, "id")
        for ai, area in _items(layer, "areas"):
            at: Loc = ("layers", li, "areas", ai)
            yield area.get("id"), (*at, "id")
            for ci, criterion in _items(area, "criteria"):
                yield criterion.get("id"), (*at, "criteria", ci, "id")
            for si, sub in _items(area, "sub_components"):
                yield sub.get("id"), (*at, "sub_components", si, "id")
                for ci, criterion in _items(sub, "criteria"):
                    yield criterion.get("id"), (*at, "sub_components", si, "criteria", ci, "id")


def _duplicate_id_problems(data: Mapping[str, Any]) -> Iterator[Found]:
    first_seen: dict[str, Loc] = {}
    for id_, loc in _ids_with_locs(data):
        if not isinstance(id_, str):
            continue
        if id_ in first_seen:
            yield loc, f"duplicate id '{id_}' (first used at {format_loc(first_seen[id_])})"
        else:
            first_seen[id_] = loc


def _criterion_level_problems(data: Mapping[str, Any]) -> Iterator[Found]:
    """Each criterion names a defined answer set, and its anchors are levels it can be given."""
    sets = _mapping(data.get("answer_sets"))
    for at, criterion in _criteria(data):
        name = criterion.get("answer_set")
        if name is None:
            values, what = _level_values(data.get("scale")), "the scale"
        elif name in sets:
            values, what = _level_values(sets[name]), f"answer set '{name}'"
        else:
            defined = ", ".join(sorted(sets)) or "none"
            yield (*at, "answer_set"), f"unknown answer set '{name}' (defined: {defined})"
            continue
        yield from _anchor_problems(at, criterion.get("anchors"), values, what)


def _anchor_problems(at: Loc, anchors: object, values: list[float], what: str) -> Iterator[Found]:
    if not isinstance(anchors, dict) or not values:
        return
    listed = ", ".join(number(v) for v in values)
    for key in anchors:
        value = _number(key)
        if value is not None and value not in values:  # a key that is no number: see pydantic's
            message = f"{key} is not a level of {what} (its levels are {listed})"
            yield (*at, "anchors", key), message


def _sourced(data: Mapping[str, Any]) -> Iterator[tuple[Loc, object]]:
    for at, area in _areas(data):
        yield (*at, "source"), area.get("source")
        for si, sub in _items(area, "sub_components"):
            yield (*at, "sub_components", si, "source"), sub.get("source")
    for at, criterion in _criteria(data):
        yield (*at, "source"), criterion.get("source")


def _attribution_problems(data: Mapping[str, Any]) -> Iterator[Found]:
    if data.get("attribution"):
        return
    quoted = next((loc for loc, source in _sourced(data) if source == "quoted"), None)
    if quoted is not None:
        yield (
            quoted,
            (
                "text marked 'quoted' needs an attribution block (title and licence of the work "
                "it is quoted from) at the top of the file"
            ),
        )


def format_loc(loc: Loc) -> str:
    """`layers[1].areas[0].id` from ("layers", 1, "areas", 0, "id"); a level key is `[3]`."""
    text = ""
    for part in loc:
        if part == "[key]":  # pydantic's marker for a bad mapping key: the key is named already
            continue
        if isinstance(part, int | float) and not isinstance(part, bool):
            text += f"[{number(part)}]"
        else:
            text += f".{part}" if text else str(part)
    return text
