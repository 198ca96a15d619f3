"""Loading questionnaire files: a valid file becomes a Framework; a broken one says exactly why."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from app.domain.framework import version_key
from app.domain.loading import (
    FrameworkFileError,
    Problem,
    content_hash,
    load_framework,
    parse_framework,
)
from tests.conftest import MINI_FRAMEWORK


def mini() -> dict:
    return yaml.safe_load(MINI_FRAMEWORK.read_text())


def problems_of(data: dict) -> list[str]:
    """Every problem found, as `file: path: message` (lines are checked in their own tests)."""
    with pytest.raises(FrameworkFileError) as caught:
        parse_framework(yaml.safe_dump(data, sort_keys=False), "mine.yaml")
    return [f"{p.file}: {p.path}: {p.message}" for p in caught.value.problems]


def test_valid_file_loads_with_defaults_and_counts() -> None:
    framework = load_framework(MINI_FRAMEWORK)

    assert framework.id == "mini"
    assert framework.scale.values == (0, 1, 2, 3)
    assert (framework.area_count, framework.criterion_count) == (2, 3)
    assert [c.id for c in framework.criteria()] == [
        "data-one-view",
        "data-quality",
        "growth-offers",
    ]
    assert [c.weight for c in framework.criteria()] == [1.0, 2.0, 1.0]


def test_duplicate_criterion_id_names_both_places() -> None:
    data = mini()
    data["layers"][1]["areas"][0]["sub_components"][0]["criteria"][0]["id"] = "data-quality"

    assert problems_of(data) == [
        "mine.yaml: layers[1].areas[0].sub_components[0].criteria[0].id: "
        "duplicate id 'data-quality' (first used at layers[0].areas[0].criteria[1].id)"
    ]


def test_area_id_reused_as_criterion_id_is_a_duplicate() -> None:
    data = mini()
    data["layers"][0]["areas"][0]["criteria"][0]["id"] = "growth"

    assert problems_of(data) == [
        "mine.yaml: layers[1].areas[0].id: duplicate id 'growth' "
        "(first used at layers[0].areas[0].criteria[0].id)"
    ]


def test_area_without_criteria_is_rejected() -> None:
    data = mini()
    data["layers"][0]["areas"][0]["criteria"] = []

    assert problems_of(data) == ["mine.yaml: layers[0].areas[0]: area 'data' has no criteria"]


def test_empty_sub_component_is_rejected() -> None:
    data = mini()
    data["layers"][1]["areas"][0]["sub_components"][0]["criteria"] = []

    assert problems_of(data) == [
        "mine.yaml: layers[1].areas[0].sub_components[0].criteria: must list at least 1 item(s)"
    ]


def test_unknown_wgll_level_lists_the_scale() -> None:
    data = mini()
    data["scale"]["wgll_level"] = 7

    assert problems_of(data) == [
        "mine.yaml: scale.wgll_level: unknown level 7 (the scale has 0, 1, 2, 3)"
    ]


def test_missing_fields_are_each_reported() -> None:
    data = mini()
    del data["layers"][0]["areas"][0]["criteria"][0]["id"]
    del data["layers"][1]["areas"][0]["intent"]

    assert problems_of(data) == [
        "mine.yaml: layers[0].areas[0].criteria[0].id: missing field",
        "mine.yaml: layers[1].areas[0].intent: missing field",
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["layers"][0].update(id="Base Layer"),
            "mine.yaml: layers[0].id: not a valid id: use lower-case letters, digits, '-' and '.'",
        ),
        (
            lambda d: d["layers"][0]["areas"][0].update(colour="red"),
            "mine.yaml: layers[0].areas[0].colour: unknown field",
        ),
        (
            lambda d: d["layers"][0]["areas"][0]["criteria"][0].update(source="book"),
            "mine.yaml: layers[0].areas[0].criteria[0].source: "
            "Input should be 'blueprint', 'derived' or 'quoted'",
        ),
        (
            lambda d: d["layers"][0]["areas"][0]["criteria"][1].update(weight=0),
            "mine.yaml: layers[0].areas[0].criteria[1].weight: Input should be greater than 0",
        ),
        (
            lambda d: d["layers"][0]["areas"][0]["criteria"][1].update(text="  "),
            "mine.yaml: layers[0].areas[0].criteria[1].text: must not be empty",
        ),
        (
            lambda d: d["scale"]["levels"].reverse(),
            "mine.yaml: scale.levels[1].value: levels must be listed from lowest to highest",
        ),
        (
            lambda d: d.update(layers=[]),
            "mine.yaml: layers: must list at least 1 item(s)",
        ),
    ],
)
def test_one_broken_field_gives_one_precise_message(change, expected: str) -> None:
    data = mini()
    change(data)

    assert problems_of(data)[0] == expected


def test_invalid_yaml_says_where() -> None:
    with pytest.raises(FrameworkFileError) as caught:
        parse_framework("id: x\nlayers: [\n", "mine.yaml")

    (problem,) = caught.value.problems
    assert str(problem).startswith("mine.yaml:3: invalid YAML (column 1):")


def test_file_that_is_not_a_mapping() -> None:
    with pytest.raises(FrameworkFileError, match="must hold a mapping"):
        parse_framework("- just\n- a list\n", "mine.yaml")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FrameworkFileError, match="cannot read the file"):
        load_framework(tmp_path / "absent.yaml")


def test_content_hash_ignores_formatting_but_not_text() -> None:
    original = load_framework(MINI_FRAMEWORK)
    reformatted = parse_framework(yaml.safe_dump(mini(), default_flow_style=False))
    data = mini()
    data["layers"][0]["areas"][0]["criteria"][0]["text"] = "One view of every customer."

    assert content_hash(reformatted) == content_hash(original)
    assert content_hash(parse_framework(yaml.safe_dump(data))) != content_hash(original)


# The exact messages, since a consultant reads them to fix a file.


def test_a_file_that_cannot_be_read_is_named_in_the_message(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"

    with pytest.raises(FrameworkFileError) as caught:
        load_framework(path)

    assert caught.value.problems == (
        Problem(
            str(path), "", f"cannot read the file: [Errno 2] No such file or directory: '{path}'"
        ),
    )
    assert str(caught.value) == f"{path}: {caught.value.problems[0].message}"


def test_a_broken_file_is_named_in_the_message(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")

    with pytest.raises(FrameworkFileError) as caught:
        load_framework(path)

    message = "the file must hold a mapping with id, version, title, scale and layers"
    assert caught.value.problems == (Problem(str(path), "", message),)
    assert str(caught.value) == f"{path}: {message}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "id: x\nlayers: [\n",
            "mine.yaml:3: invalid YAML (column 1): "
            "expected the node content, but found '<stream end>'",
        ),
        (
            "id: \x00",  # no line and column from the YAML reader here
            "mine.yaml: invalid YAML: unacceptable character #x0000: "
            'special characters are not allowed\n  in "<unicode string>", position 4',
        ),
        (
            "- just\n- a list\n",
            "mine.yaml: the file must hold a mapping with id, version, title, scale and layers",
        ),
    ],
)
def test_text_that_is_not_a_yaml_mapping_gets_one_message(text: str, message: str) -> None:
    with pytest.raises(FrameworkFileError) as caught:
        parse_framework(text, "mine.yaml")

    assert [str(p) for p in caught.value.problems] == [message]


def test_text_without_a_name_is_called_text_in_messages() -> None:
    with pytest.raises(FrameworkFileError, match=r"^<text>: the file must hold a mapping"):
        parse_framework("- a list\n")


def test_every_problem_is_one_line_of_the_error() -> None:
    data = mini()
    del data["layers"][0]["areas"][0]["intent"]
    del data["layers"][1]["areas"][0]["intent"]

    with pytest.raises(FrameworkFileError) as caught:
        parse_framework(yaml.safe_dump(data), "mine.yaml")

    assert str(caught.value) == (  # each with the line of the area that lacks it
        "mine.yaml:5: layers[0].areas[0].intent: missing field\n"
        "mine.yaml:18: layers[1].areas[0].intent: missing field"
    )


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("1.0", "1.9"),
        ("1.9", "1.10"),  # numbers compare as numbers, not as text
        ("1.10", "2.0"),
        ("2.0", "2.0-draft"),  # a version that adds a part comes after it
        ("2.0-draft", "2.0.1"),  # a text part sorts before a number in the same place
        ("2.0-alpha", "2.0-beta"),
        (" 2.0 ", "2.0.0"),  # surrounding spaces do not count
    ],
)
def test_versions_are_ordered_as_people_read_them(older: str, newer: str) -> None:
    assert version_key(older) < version_key(newer)
    assert sorted([newer, older], key=version_key) == [older, newer]


def test_version_key_of_a_version_with_numbers_and_text() -> None:
    assert version_key(" 2.10-rc ") == ((1, 2), (1, 10), (0, "rc"))
