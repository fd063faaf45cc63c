"""A place of fear given as a point must lie in the municipality: in its boundary polygon as geo stores it or within
the tolerance along its (generalised) edge — not merely in its bounding box (decision 0045)."""

import pytest
from django.test import Client
from django.urls import reverse

from sikom.surveys import geometry, logic, paper
from sikom.surveys.models import Invitation
from sikom.surveys.tests.factories import one_code, pirna, running_analysis
from sikom.surveys.tests.test_paper_services import upload

SQUARE = ((0.0, 50.0), (1.0, 50.0), (1.0, 51.0), (0.0, 51.0), (0.0, 50.0))
HOLE = ((0.4, 50.4), (0.6, 50.4), (0.6, 50.6), (0.4, 50.6), (0.4, 50.4))
ISLAND = ((3.0, 50.0), (3.5, 50.0), (3.5, 50.5), (3.0, 50.0))


def test_point_in_polygon_with_holes_and_several_parts():
    outline = geometry.rings(
        {"type": "MultiPolygon", "coordinates": [[list(map(list, SQUARE)), list(map(list, HOLE))], [ISLAND]]}
    )
    assert len(outline) == 3
    assert geometry.contains(outline, 50.2, 0.2)
    assert not geometry.contains(outline, 50.5, 0.5)  # in the hole
    assert geometry.contains(outline, 50.1, 3.4)  # in the second part
    assert not geometry.contains(outline, 50.4, 3.1)  # beside the triangle, inside its box
    assert not geometry.contains(outline, 52.0, 0.5)
    # Features and collections are walked; anything else has no rings.
    feature = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [SQUARE]}}
    assert geometry.rings({"type": "FeatureCollection", "features": [feature]}) == [SQUARE]
    for junk in (None, [], "x", {"type": "Polygon", "coordinates": [[["a", 1]]]}, {"type": "Point"}):
        assert geometry.rings(junk) == []


def test_distance_to_the_edge_in_metres():
    outline = [SQUARE]
    # 0.01° of latitude north of the northern edge: about 1.11 km.
    assert geometry.distance_to_edge_m(outline, 51.01, 0.5) == pytest.approx(1111.95, rel=1e-3)
    # 0.01° of longitude east at 50.5° N: about 0.707 km.
    assert geometry.distance_to_edge_m(outline, 50.5, 1.01) == pytest.approx(707.1, rel=2e-3)
    assert geometry.in_municipality(outline, 51.01, 0.5)  # within the tolerance of the generalised edge
    assert not geometry.in_municipality(outline, 51.02, 0.5)
    assert not geometry.in_municipality(outline, 51.01, 0.5, tolerance_m=1000)


@pytest.mark.django_db
def test_a_point_in_the_box_but_outside_the_boundary_is_refused():
    analysis = running_analysis()
    spec = logic.load_spec(analysis.questionnaire)
    municipality = pirna()
    south, west, north, east = spec.bounds
    assert spec.outline, "geo stores Pirna's boundary"
    question = spec.by_code["angstort"]
    corner = {"lat": south + 0.0005, "lon": west + 0.0005}  # in the box, 3 km from the boundary
    assert south < corner["lat"] < north and west < corner["lon"] < east
    assert geometry.distance_to_edge_m(spec.outline, **corner) > 2500
    centre = {"lat": municipality.latitude, "lon": municipality.longitude}
    assert logic.check_value(spec, question, centre) is None
    assert "außerhalb der Gemeinde" in logic.check_value(spec, question, corner)

    # The same through the respondents' page: the message at the field, nothing kept.
    code = one_code(analysis)
    client = Client()
    client.post(reverse("surveys:start"), {"code": code})
    page = spec.by_code["angstort"].section
    answers = {"angstort_gibt": "1"}
    invitation = Invitation.objects.get()
    invitation.draft = {"answers": {"sicher_dunkel": "1", **answers}, "texts": {}, "page": page}
    invitation.save(update_fields=["draft"])
    shown = client.get(reverse("surveys:page")).content.decode()
    assert 'name="q-angstort-lat"' in shown
    response = client.post(
        reverse("surveys:page"),
        {"page": page, "action": "next", "q-angstort_gibt": "1", "q-angstort-lat": f"{corner['lat']:.5f}",
         "q-angstort-lon": f"{corner['lon']:.5f}"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "außerhalb der Gemeinde" in response.content.decode()
    invitation.refresh_from_db()
    assert "angstort" not in invitation.draft["answers"]


@pytest.mark.django_db
def test_an_imported_point_outside_the_boundary_is_reported_with_row_and_column(municipality_user):
    analysis = running_analysis(by=municipality_user)
    south, west, _north, _east = logic.load_spec(analysis.questionnaire).bounds
    municipality = pirna()
    table = (
        "sicher_dunkel;angstort_gibt;angstort_lat;angstort_lon\n"
        f"1;1;{municipality.latitude:.5f};{municipality.longitude:.5f}\n"
        f"2;1;{south + 0.0005:.5f};{west + 0.0005:.5f}\n"
    ).encode()
    spec = logic.load_spec(analysis.questionnaire)
    check = paper.check_template_table(spec, paper.read_table(upload("boegen.csv", table)))
    assert [(problem.row, problem.column[:12]) for problem in check.errors] == [(3, "angstort_lat")]
    assert "außerhalb der Gemeinde" in str(check.errors[0].message)
