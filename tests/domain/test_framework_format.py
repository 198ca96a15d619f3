"""The format beyond REAP's: answer sets, anchors, wording, attribution, any scale; and a
validator that reports every problem of a file in one run, each with its line."""

from __future__ import annotations

import pytest
import yaml

from app.domain.framework import MAX_LAYERS
from app.domain.loading import FrameworkFileError, content_hash, load_framework, parse_framework
from tests.conftest import DATA, MINI_FRAMEWORK

LIBRARY = load_framework(DATA / "library-1.0.yaml")


def problems(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(FrameworkFileError) as caught:
        parse_framework(text, "mine.yaml")
    return [(p.line, p.path, p.message) for p in caught.value.problems]


def mini() -> dict:
    return yaml.safe_load(MINI_FRAMEWORK.read_text())


def dumped(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False)


def test_the_broken_library_file_reports_every_problem_in_one_run_with_lines() -> None:
    found = problems((DATA / "library-broken.yaml").read_text())

    assert [(line, path) for line, path, _ in found] == [
        (4, "version"),
        (10, "scale.levels[2].value"),
        (14, "answer_sets.yes-no.levels[0].label"),
        (19, "layers[0].colour"),
        (21, "layers[0].areas[0].intent"),
        (26, "layers[0].areas[0].criteria[0].source"),
        (28, "layers[0].areas[0].criteria[0].anchors[7]"),
        (29, "layers[0].areas[0].criteria[1].id"),
        (31, "layers[0].areas[0].criteria[1].answer_set"),
    ]


def test_duplicate_ids_are_reported_beside_field_errors_not_on_a_second_run() -> None:
    data = mini()
    data["layers"][1]["areas"][0]["sub_components"][0]["criteria"][0]["id"] = "data-quality"
    del data["layers"][0]["areas"][0]["intent"]

    messages = [message for _, _, message in problems(dumped(data))]

    assert messages == [
        "missing field",
        "duplicate id 'data-quality' (first used at layers[0].areas[0].criteria[1].id)",
    ]


@pytest.mark.parametrize("word", ["No", "Yes", "On", "off", "TRUE"])
def test_an_unquoted_yaml_boolean_is_explained_with_the_word_written(word: str) -> None:
    text = MINI_FRAMEWORK.read_text().replace("label: None,", f"label: {word},")

    ((line, path, message),) = problems(text)

    assert (line, path) == (8, "scale.levels[0].label")
    assert f"unquoted {word} as" in message and f'write "{word}" in quotes' in message


def test_an_unquoted_version_number_is_explained() -> None:
    text = MINI_FRAMEWORK.read_text().replace('version: "1"', "version: 1.10")

    assert problems(text) == [
        (2, "version", 'must be text, but YAML read 1.10 as a number: write "1.10" in quotes')
    ]


def test_yaml_aliases_are_refused_so_a_small_file_cannot_expand() -> None:
    text = "id: x\nversion: '1'\ntitle: &t [a, b]\ndescription: *t\n"

    ((line, path, message),) = problems(text)

    assert (line, path) == (4, "") and "aliases (*name) are not allowed" in message


def test_a_fractional_scale_level_points_to_answer_sets() -> None:
    data = mini()
    data["scale"]["levels"][1]["value"] = 0.5

    ((_, path, message),) = problems(dumped(data))

    assert path == "scale.levels[1].value" and "define an answer set" in message


def test_answer_set_levels_are_ordered_and_unique_and_scale_is_a_reserved_name() -> None:
    data = mini()
    levels = [{"value": 0, "label": "No"}, {"value": 1, "label": "Yes"}]
    data["answer_sets"] = {
        "scale": {"levels": levels},
        "muddled": {"levels": [{"value": 1, "label": "Yes"}, {"value": 0, "label": "No"}]},
        "twice": {"levels": [{"value": 0.5, "label": "A"}, {"value": 0.5, "label": "B"}]},
    }

    assert [(path, message) for _, path, message in problems(dumped(data))] == [
        ("answer_sets.scale", "'scale' names the framework's own scale; give the answer set "
         "another name"),
        ("answer_sets.muddled.levels[1].value", "levels must be listed from lowest to highest"),
        ("answer_sets.twice.levels[1].value", "duplicate level 0.5 in answer set 'twice'"),
    ]  # fmt: skip


def test_anchors_are_keyed_by_the_levels_of_the_criterions_own_scale_or_answer_set() -> None:
    data = mini()
    data["answer_sets"] = {"yes-no": {"levels": [{"value": 0, "label": "No"},
                                                 {"value": 1, "label": "Yes"}]}}  # fmt: skip
    criteria = data["layers"][0]["areas"][0]["criteria"]
    criteria[0]["anchors"] = {0: "Nothing.", 3: "Everything.", 4: "Beyond."}
    criteria[1].update(answer_set="yes-no", anchors={1: "Yes.", 2: "Twice yes."})

    assert [(path, message) for _, path, message in problems(dumped(data))] == [
        ("layers[0].areas[0].criteria[0].anchors[4]",
         "4 is not a level of the scale (its levels are 0, 1, 2, 3)"),
        ("layers[0].areas[0].criteria[1].anchors[2]",
         "2 is not a level of answer set 'yes-no' (its levels are 0, 1)"),
    ]  # fmt: skip


def test_quoted_text_needs_an_attribution_block() -> None:
    data = mini()
    data["layers"][1]["areas"][0]["source"] = "quoted"

    ((_, path, message),) = problems(dumped(data))
    data["attribution"] = {"title": "The Standard", "licence": "CC BY 4.0"}

    assert path == "layers[1].areas[0].source" and "needs an attribution block" in message
    assert parse_framework(dumped(data)).attribution.licence == "CC BY 4.0"  # type: ignore[union-attr]


def test_at_most_eight_layers() -> None:
    data = mini()
    layer = data["layers"][0]
    data["layers"] = [
        {**layer, "id": f"l{i}", "areas": [{**layer["areas"][0], "id": f"a{i}", "criteria": [
            {"id": f"c{i}", "text": "Something."}]}]}
        for i in range(MAX_LAYERS + 1)
    ]  # fmt: skip

    assert problems(dumped(data))[0][1:] == ("layers", "must list at most 8 item(s)")


def test_the_library_framework_resolves_its_levels() -> None:
    stock = next(a for a in LIBRARY.areas() if a.id == "stock")
    weeding, catalogue = stock.criteria

    assert LIBRARY.levels_of(weeding).values == (1, 2, 3, 4, 5)
    assert LIBRARY.levels_of(catalogue).values == (0, 0.25, 0.5, 1)
    assert LIBRARY.levels_of(catalogue).codes == (0, 1, 2, 3)  # stored: the answer's position
    assert LIBRARY.levels_of(weeding).codes == (1, 2, 3, 4, 5)  # stored: the level's value
    assert catalogue.anchor(0.5) == "Half the catalogue has subject headings."
    assert sorted(catalogue.anchors or {}) == [0, 0.5, 1]
    assert LIBRARY.shared_levels() is None
    assert LIBRARY.shared_levels(weeding for _ in range(2)).key == "scale"  # type: ignore[union-attr]
    assert (LIBRARY.wording.intent, LIBRARY.wording.layers) == ("Aim", "service lines")
    assert LIBRARY.layers_sequenced is False and len(LIBRARY.layers) == 5


def test_anchor_keys_written_2_or_2_0_are_the_same_level_and_the_same_content() -> None:
    data = mini()
    anchors = {0: "Nothing.", 1: "Some.", 2: "Most."}  # mini's top level 3 is its WGLL level
    data["layers"][0]["areas"][0]["criteria"][0]["anchors"] = anchors
    whole = parse_framework(dumped(data))
    data["layers"][0]["areas"][0]["criteria"][0]["anchors"] = {
        0.0: "Nothing.",
        1: "Some.",
        2.0: "Most.",
    }
    written_as_float = parse_framework(dumped(data))

    assert content_hash(whole) == content_hash(written_as_float)
    assert content_hash(type(whole).model_validate_json(whole.model_dump_json())) == content_hash(
        whole
    )


@pytest.mark.parametrize(
    ("values", "span", "even"),
    [((0, 1, 2, 3, 4, 5), "0–5", True), ((1, 2, 3, 4, 5), "1–5", True),
     ((0, 1, 2, 4), "0, 1, 2 or 4", False)],
)  # fmt: skip
def test_a_scale_describes_its_values_honestly(values: tuple[int, ...], span: str, even: bool):
    data = mini()
    data["scale"]["levels"] = [{"value": v, "label": f"L{v}", "description": "x"} for v in values]
    data["scale"].pop("wgll_level")
    scale = parse_framework(dumped(data)).answer_levels["scale"]

    assert (scale.span(), scale.is_even) == (span, even)
