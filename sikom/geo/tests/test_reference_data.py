import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count, Sum

from sikom.geo.models import District, Municipality, PoliceDirectorate

pytestmark = pytest.mark.django_db


def test_saxony_has_418_municipalities_13_districts_5_directorates():
    assert Municipality.objects.count() == 418
    assert District.objects.count() == 13
    assert PoliceDirectorate.objects.count() == 5
    assert District.objects.filter(kind=District.Kind.URBAN).count() == 3


def test_every_municipality_maps_to_exactly_one_directorate():
    per_directorate = dict(
        PoliceDirectorate.objects.annotate(n=Count("districts__municipalities")).values_list("name", "n")
    )
    assert sum(per_directorate.values()) == 418
    assert all(n > 0 for n in per_directorate.values())
    directorates = Municipality.objects.values_list("district__police_directorate__name", flat=True)
    assert len(directorates) == 418 and all(name.startswith("Polizeidirektion ") for name in directorates)


def test_directorates_follow_the_police_organisation_ordinance():
    def directorate_of(district_key):
        return District.objects.get(key=district_key).police_directorate.name

    assert directorate_of("14612") == "Polizeidirektion Dresden"  # Dresden, Stadt
    assert directorate_of("14626") == "Polizeidirektion Görlitz"  # Landkreis Görlitz
    assert directorate_of("14729") == "Polizeidirektion Leipzig"  # Landkreis Leipzig
    assert directorate_of("14524") == "Polizeidirektion Zwickau"
    assert directorate_of("14522") == "Polizeidirektion Chemnitz"


def test_figures_match_the_sources():
    assert Municipality.objects.aggregate(total=Sum("population"))["total"] == 4_089_467
    pirna = Municipality.objects.get(ags="14628270")
    assert pirna.display_name == "Pirna" and pirna.district.display_name == "Landkreis Sächsische Schweiz-Osterzgebirge"
    assert Municipality.objects.get(ags="14612000").district.display_name == "Kreisfreie Stadt Dresden"
    assert District.objects.get(key="14521").display_name == "Erzgebirgskreis"


def test_boundaries_are_loaded():
    assert Municipality.objects.filter(boundary__isnull=True).count() == 0
    assert District.objects.filter(boundary__isnull=True).count() == 0
    assert PoliceDirectorate.objects.filter(boundary__isnull=True).count() == 0


def test_loading_again_changes_nothing():
    before = list(Municipality.objects.order_by("ags").values_list("pk", "ags", "district_id"))
    call_command("load_reference_data", verbosity=0)
    assert list(Municipality.objects.order_by("ags").values_list("pk", "ags", "district_id")) == before


def test_data_files_and_attribution_are_in_the_project():
    folder = settings.BASE_DIR / "data" / "reference"
    assert (folder / "SOURCES.md").read_text(encoding="utf-8").count("dl-de/by-2-0") >= 1
    assert {path.name for path in folder.glob("*.csv")} == {
        "sachsen_gemeinden.csv",
        "sachsen_kreise.csv",
        "sachsen_polizeidirektionen.csv",
    }
