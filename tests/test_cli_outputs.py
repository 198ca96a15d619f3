"""The CLI draws charts and writes exports from the same registries as the pages."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from tests.servers import copy_of_demo
from tests.test_cli import gapwise


def test_chart_and_export_commands_read_the_registries(tmp_path: Path, demo_template: str) -> None:
    copy_of_demo(tmp_path, demo_template)
    image, export = tmp_path / "radar.svg", tmp_path / "answers.csv"

    drawn = gapwise("chart", "1", "--name", "radar", "-o", str(image), data_dir=tmp_path)
    exported = gapwise("export", "1", "--format", "csv", "-o", str(export), data_dir=tmp_path)
    no_chart = gapwise("chart", "1", "--name", "pie", "-o", str(image), data_dir=tmp_path)
    no_format = gapwise("export", "1", "--format", "xls", "-o", str(export), data_dir=tmp_path)

    assert drawn.returncode == 0, drawn.stderr
    assert ET.fromstring(image.read_bytes()).tag.endswith("svg")
    assert exported.returncode == 0 and export.read_bytes().startswith(b"\xef\xbb\xbfparticipant")
    assert no_chart.returncode == 2
    assert no_chart.stderr.strip() == (
        "gapwise: name: use one of radar, radar-agreed, layers, gaps, groups, heatmap, "
        "timeline, not 'pie'"
    )
    assert no_format.returncode == 2
    assert (
        no_format.stderr.strip() == "gapwise: format: use one of csv, xlsx, json, pptx, not 'xls'"
    )
