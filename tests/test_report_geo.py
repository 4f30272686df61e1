"""Plates, distances, bearings and search boxes, including where maps get awkward: across the
antimeridian and close to the poles."""

from __future__ import annotations

import random

import pytest
from geographiclib.geodesic import Geodesic

from server.places.geo import compass_point, distance_m, search_box
from server.places.nearest import describe
from server.reports.correlate import plate_key
from server.reports.models import Report
from tests.helpers import file, filed, moved


@pytest.mark.parametrize(
    "typed",
    # the last: full-width characters, as some phone keyboards type them
    [
        "7ABC123",
        "7abc123",
        "7 ABC 123",
        "7-ABC-123",
        " 7abc-123 ",
        "7·ABC·123",
        "\uff17\uff21\uff22\uff23\uff11\uff12\uff13",
    ],
)
def test_plates_match_whatever_the_case_spaces_and_dashes(typed):
    assert plate_key(typed) == "7ABC123"


def test_an_empty_plate_matches_nothing():
    assert plate_key("") is None and plate_key(" - ") is None


@pytest.mark.parametrize("bearing", [0, 45, 90, 135, 180, 225, 270, 315])
def test_compass_points(bearing):
    origin = (38.5762, -121.4865)
    expected = ["N", "NE", "E", "SE", "S", "SW", "W", "NW"][bearing // 45]
    assert compass_point(origin, moved(origin, bearing, 280)) == expected


def test_describe_rounds_like_a_person_would():
    assert describe(283.4, "NW", "Lincoln") == "280 m NW of Lincoln"
    assert describe(1530, "E", "Lincoln") == "1.5 km E of Lincoln"
    assert describe(12, "E", "Lincoln") == "At Lincoln"


CENTRES = [
    (38.5, -121.5),
    (0, 179.9995),
    (0, -179.9998),
    (-45, 180),
    (89.9990, 10),
    (-89.9995, -170),
]


@pytest.mark.parametrize("centre", CENTRES)
def test_the_search_box_holds_every_point_within_the_distance(centre):
    rng = random.Random(7)
    box = search_box(centre, 500)
    for _ in range(500):
        point = moved(centre, rng.uniform(0, 360), rng.uniform(0, 500))
        lat, lon = point
        assert box.lat_min <= lat <= box.lat_max
        assert any(w <= lon <= e for w, e in box.lon_ranges), (centre, point, box)


def test_the_box_is_split_at_the_antimeridian_and_whole_at_a_pole():
    assert len(search_box((0, 179.999), 500).lon_ranges) == 2
    assert len(search_box((0, -179.999), 500).lon_ranges) == 2
    assert search_box((89.999, 0), 500).lon_ranges == ((-180.0, 180.0),)
    assert len(search_box((38.5, -121.5), 500).lon_ranges) == 1


def test_distances_across_the_antimeridian_and_near_the_pole_are_short():
    assert distance_m((0, 179.999), (0, -179.999)) == pytest.approx(222.6, abs=0.5)
    assert distance_m((89.999, 0), (89.999, 180)) == pytest.approx(223.4, abs=0.5)
    direct = Geodesic.WGS84.Inverse(0, 179.999, 0, -179.999)["s12"]
    assert distance_m((0, 179.999), (0, -179.999)) == pytest.approx(direct, abs=0.01)


async def _linked(client, a, b) -> bool:
    results = await file(client, a, b)
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    report = await Report.get(id=b["payload"]["report_id"]).prefetch_related("links")
    return [str(link.other_id) for link in report.links] == [a["payload"]["report_id"]]


@pytest.mark.parametrize(
    ("a", "b", "related"),
    [
        ((0, 179.999), (0, -179.999), True),  # 223 m apart, on either side of the antimeridian
        ((-16.5, 179.998), (-16.5, -179.9975), True),  # near Fiji, about 480 m
        ((0, 179.996), (0, -179.998), False),  # 668 m
        ((89.999, 0), (89.999, 180), True),  # 223 m, across the North Pole
        ((-89.998, 45), (-89.998, -135), True),  # 447 m, across the South Pole
        ((-89.99, 0), (-89.99, 180), False),  # 2.2 km across the South Pole
    ],
)
async def test_nearby_reports_are_found_where_maps_wrap(as_role, a, b, related):
    staff = await as_role("staff")
    first = filed(a, kind="item", item="bag", vehicle=None)
    second = filed(b, kind="item", item="bag", vehicle=None)
    assert (distance_m(a, b) <= 500) is related  # the case says what geopy measures
    assert await _linked(staff, first, second) is related
