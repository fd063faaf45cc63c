"""The choropleth's classes and legend (sikom.geo.maps), and the chart's value axis."""

import re

import pytest

from sikom.core.charts import nice_step
from sikom.geo.maps import COLOURS, choropleth, class_of, classes, district_shapes

pytestmark = pytest.mark.django_db


def labels(values):
    return [item.label for item in classes(values)]


def test_zero_has_a_class_of_its_own():
    assert labels([0, 0]) == ["0"]
    assert labels([0, 1]) == ["0", "1"]
    assert labels([0, 3]) == ["0", "1", "2", "3"]
    assert labels([0, 14400]) == ["0", "1–3.600", "3.601–7.200", "7.201–10.800", "10.801–14.400"]


def test_each_value_falls_into_one_class_and_the_classes_darken():
    legend = classes([0, 10])
    assert [class_of(value, legend).colour for value in (0, 1, 3, 4, 5, 6, 8, 9, 10)] == [
        COLOURS[0], COLOURS[1], COLOURS[1], COLOURS[2], COLOURS[2], COLOURS[3], COLOURS[3], COLOURS[4], COLOURS[4],
    ]  # fmt: skip
    # Light to dark (relative luminance falls), so the order survives printing in grey.
    luminance = [0.2126 * int(c[1:3], 16) + 0.7152 * int(c[3:5], 16) + 0.0722 * int(c[5:7], 16) for c in COLOURS]
    assert luminance == sorted(luminance, reverse=True)


def test_the_legend_stays_inside_the_map():
    svg = choropleth(values={"14612": 1_234_567}, title="t", description="d", element_id="k")
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    height = float(re.search(r'viewBox="0 0 [\d.]+ ([\d.]+)"', svg).group(1))
    for x, label in re.findall(r'<text x="([\d.]+)" y="[\d.]+" fill="#1b1b1b">([^<]*)</text>', svg):
        assert float(x) + 8 * len(label) <= width, label
    assert max(float(y) for y in re.findall(r'<rect x="[\d.]+" y="([\d.]+)"', svg)) + 16 <= height
    assert height > district_shapes().height + 34  # the long labels took a second row


def test_value_axis_steps():
    assert nice_step(0) == 1 and nice_step(5) == 1 and nice_step(7) == 2
    assert nice_step(14400) == 5000 and nice_step(56) == 20
