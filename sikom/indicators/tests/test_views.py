"""The pages with real requests: the import steps (standard headers, column mapping, report, preview, confirm,
discard), the profile with its downloads, and hostile input — forged ids, wrong types, huge values, missing CSRF —
answered without a 500 and without a change."""

import pytest
from django.test import Client
from django.urls import reverse

from sikom import testing
from sikom.core.models import AuditEvent
from sikom.indicators.models import Indicator, IndicatorValue, PendingImport
from sikom.indicators.tests.factories import (
    FREITAL,
    PIRNA,
    csv_upload,
    import_rows,
    make_indicator,
    standard_csv,
    xlsx_upload,
)

pytestmark = pytest.mark.django_db
UPLOAD = reverse("indicators:upload")


def _pending_url(pending) -> str:
    return reverse("indicators:pending", args=[pending.pk])


def test_standard_file_goes_straight_to_the_preview_and_imports(client, asskomm):
    indicator = make_indicator()
    import_rows(indicator, [(PIRNA, 2023, "", 3)], by=asskomm)
    testing.login(client, asskomm)
    text = standard_csv((PIRNA, 2023, "", 7), (FREITAL, 2023, "", 9))
    response = client.post(UPLOAD, {"indicator": indicator.pk, "file": csv_upload(text)})
    pending = PendingImport.objects.get()
    assert response.status_code == 302 and response["Location"] == _pending_url(pending)
    body = client.get(_pending_url(pending)).content.decode()
    assert "Vorschau: die Datei ist fehlerfrei" in body and "1 vorhandener Wert" in body
    response = client.post(_pending_url(pending), {"action": "confirm"})
    assert response.status_code == 302 and response["Location"] == reverse("indicators:detail", args=[indicator.pk])
    assert sorted(IndicatorValue.objects.values_list("value", flat=True)) == [7, 9]
    assert not PendingImport.objects.exists()
    assert "2 Werte sind eingelesen (1 ersetzt)." in client.get(response["Location"]).content.decode()


def test_a_bad_standard_file_shows_the_report_and_keeps_nothing(client, asskomm):
    indicator = make_indicator()
    testing.login(client, asskomm)
    text = standard_csv((PIRNA, 2023, "", 7), ("14999999", 2099, "", "x"))
    response = client.post(UPLOAD, {"indicator": indicator.pk, "file": csv_upload(text)})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Prüfbericht: 3 Fehler" in body and "Den Gemeindeschlüssel 14999999 gibt es in Sachsen nicht." in body
    assert not PendingImport.objects.exists() and not IndicatorValue.objects.exists()


def test_other_headers_are_mapped_by_hand(client, asskomm):
    indicator = make_indicator()
    testing.login(client, asskomm)
    upload = xlsx_upload([["Schlüssel", "Berichtszeitraum", "Delikt", "Zahl"], [PIRNA, 2023, "Raub", 4]])
    response = client.post(UPLOAD, {"indicator": indicator.pk, "file": upload})
    pending = PendingImport.objects.get()
    assert pending.mapping is None
    body = client.get(response["Location"]).content.decode()
    assert "Spalten zuordnen" in body and "Vorschau" not in body
    same_column = {"action": "map", "municipality": "0", "year": "0", "value": "3"}
    response = client.post(_pending_url(pending), same_column)
    assert (
        response.status_code == 400 and "Jede Spalte kann nur für ein Feld gewählt werden." in response.content.decode()
    )
    mapping = {"action": "map", "municipality": "0", "year": "1", "category": "2", "value": "3"}
    response = client.post(_pending_url(pending), mapping)
    assert response.status_code == 302
    assert "Vorschau: die Datei ist fehlerfrei" in client.get(_pending_url(pending)).content.decode()
    client.post(_pending_url(pending), {"action": "confirm"})
    assert list(IndicatorValue.objects.values_list("category", "value")) == [("Raub", 4)]


def test_discard_removes_the_waiting_upload(client, asskomm):
    indicator = make_indicator()
    testing.login(client, asskomm)
    client.post(UPLOAD, {"indicator": indicator.pk, "file": xlsx_upload([["a", "b", "c"], [1, 2, 3]])})
    pending = PendingImport.objects.get()
    response = client.post(_pending_url(pending), {"action": "discard"})
    assert response.status_code == 302 and not PendingImport.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"action": "map", "municipality": "abc", "year": "1", "value": "2"},
        {"action": "map", "municipality": "99999999999999999999", "year": "1", "value": "2"},
        {"action": "map", "municipality": "-1", "year": "1", "value": "2"},
        {"action": "map", "municipality": ["0", "1"], "year": "1", "value": "2"},
        {"action": "explode"},
    ],
)
def test_hostile_mapping_posts(client, asskomm, data):
    indicator = make_indicator()
    testing.login(client, asskomm)
    client.post(UPLOAD, {"indicator": indicator.pk, "file": xlsx_upload([["a", "b", "c"], [1, 2, 3]])})
    pending = PendingImport.objects.get()
    response = client.post(_pending_url(pending), data)
    assert response.status_code in (400, 404)
    pending.refresh_from_db()
    assert pending.mapping is None and not IndicatorValue.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"indicator": "999999", "file": "kein-upload"},
        {"indicator": "abc"},
        {"indicator": "1" * 30},
        {},
    ],
)
def test_hostile_upload_posts(client, asskomm, data):
    make_indicator()
    testing.login(client, asskomm)
    response = client.post(UPLOAD, data)
    assert response.status_code == 200 and "Bitte prüfen Sie Ihre Angaben." in response.content.decode()
    assert not PendingImport.objects.exists()


def test_a_refused_file_leaves_nothing(client, asskomm, tmp_path, settings):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    indicator = make_indicator()
    testing.login(client, asskomm)
    upload = csv_upload("a;b\n1;2\n".encode("utf-16").decode("latin-1"), encoding="latin-1")
    response = client.post(UPLOAD, {"indicator": indicator.pk, "file": upload})
    assert "UTF-16" in response.content.decode()
    assert not PendingImport.objects.exists() and list(tmp_path.iterdir()) == []


def test_someone_elses_upload_is_invisible(client, asskomm, municipality_user):
    indicator = make_indicator()
    testing.login(client, asskomm)
    client.post(UPLOAD, {"indicator": indicator.pk, "file": csv_upload(standard_csv((PIRNA, 2023, "", 1)))})
    pending = PendingImport.objects.get()
    other = testing.login(Client(), testing.make_user(organisation=asskomm.organisation))
    assert other.get(_pending_url(pending)).status_code == 404
    assert other.post(_pending_url(pending), {"action": "confirm"}).status_code == 404
    assert other.post(_pending_url(pending), {"action": "discard"}).status_code == 404
    assert PendingImport.objects.filter(pk=pending.pk).exists() and not IndicatorValue.objects.exists()


def test_missing_csrf_changes_nothing(asskomm):
    indicator = make_indicator()
    client = testing.login(Client(enforce_csrf_checks=True), asskomm)
    response = client.post(UPLOAD, {"indicator": indicator.pk, "file": csv_upload(standard_csv((PIRNA, 2023, "", 1)))})
    assert response.status_code == 403 and not PendingImport.objects.exists()
    response = client.post(reverse("indicators:create"), {"name": "X", "kind": "crime", "unit": "count", "source": "Q"})
    assert response.status_code == 403 and Indicator.objects.count() == 1


def test_municipality_user_imports_for_its_own_municipality_only(client, municipality_user):
    indicator = make_indicator()
    testing.login(client, municipality_user)
    text = standard_csv((PIRNA, 2023, "", 7), (FREITAL, 2023, "", 9))
    response = client.post(UPLOAD, {"indicator": indicator.pk, "file": csv_upload(text)})
    assert response.status_code == 400 and "Sie können nur Werte Ihrer eigenen Gemeinde" in response.content.decode()
    response = client.post(UPLOAD, {"indicator": indicator.pk, "file": csv_upload(standard_csv((PIRNA, 2023, "", 7)))})
    client.post(response["Location"], {"action": "confirm"})
    assert list(IndicatorValue.objects.values_list("municipality__ags", flat=True)) == [PIRNA]


def test_asskomm_creates_and_edits_an_indicator(client, asskomm):
    testing.login(client, asskomm)
    response = client.post(reverse("indicators:create"), {"name": "", "kind": "nope", "unit": "count", "source": ""})
    body = response.content.decode()
    assert "Bitte füllen Sie dieses Feld aus." in body and "Diese Auswahl gibt es nicht." in body
    data = {"name": "Wohnungseinbruch", "kind": "crime", "unit": "count", "source": "PKS", "per_capita": "on"}
    response = client.post(reverse("indicators:create"), data)
    indicator = Indicator.objects.get()
    assert response["Location"] == reverse("indicators:detail", args=[indicator.pk]) and indicator.per_capita
    response = client.post(reverse("indicators:create"), data)
    assert "Eine Kennzahl mit diesem Namen gibt es schon." in response.content.decode()
    client.post(reverse("indicators:edit", args=[indicator.pk]), data | {"name": "Einbruch", "per_capita": ""})
    indicator.refresh_from_db()
    assert (indicator.name, indicator.per_capita) == ("Einbruch", False)
    assert AuditEvent.objects.filter(action__in=["indicators.created", "indicators.updated"]).count() == 2


def test_profile_page_and_downloads(client, municipality_user, asskomm):
    indicator = make_indicator(name="Straftaten")
    import_rows(indicator, [(PIRNA, 2022, "", 100), (PIRNA, 2023, "", 120), (FREITAL, 2023, "", 50)], by=asskomm)
    testing.login(client, municipality_user)
    url = reverse("indicators:profile", args=[PIRNA])
    body = client.get(url).content.decode()
    assert "Kennzahlen Pirna" in body and "<svg" in body and "Landkreis 2 von" in body and "Sachsen 2 von 418" in body
    assert "Für 2022 liegen keine Einwohnerzahlen vor" in body and "+20" in body
    csv = client.get(url + "?format=csv")
    assert csv.status_code == 200 and "Straftaten" in b"".join(csv.streaming_content).decode("utf-8-sig")
    assert client.get(url + "?format=xlsx").status_code == 200
    assert client.get(url + "?format=pdf").status_code == 404
    body = client.get(url + "?von=2023&bis=2023").content.decode()
    assert "2022" not in body.split("Jahre anzeigen")[1].split("</main>")[0]
    for hostile in ["?von=abc", "?von=99999999999999999999999", "?von=2024&bis=2020", "?von=1000"]:
        response = client.get(url + hostile)
        assert response.status_code == 200 and "Bitte prüfen Sie Ihre Angaben." in response.content.decode()
    assert client.get(reverse("indicators:profile", args=["99999999"])).status_code == 404
    assert client.get(reverse("indicators:profile", args=["x" * 300])).status_code == 404
    assert client.get(reverse("indicators:list") + f"?gemeinde={FREITAL}")["Location"] == reverse(
        "indicators:profile", args=[FREITAL]
    )
    assert "Diese Gemeinde gibt es nicht" in client.get(reverse("indicators:list") + "?gemeinde=abc").content.decode()
    detail_csv = client.get(reverse("indicators:detail", args=[indicator.pk]) + "?format=csv")
    assert PIRNA in b"".join(detail_csv.streaming_content).decode("utf-8-sig")
    list_csv = client.get(reverse("indicators:list") + "?format=xlsx")
    assert list_csv.status_code == 200


def test_list_page_queries_do_not_grow(client, asskomm, django_assert_max_num_queries):
    for number in range(5):
        import_rows(make_indicator(), [(PIRNA, 2023, "", number)], by=asskomm)
    testing.login(client, asskomm)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("indicators:list")).status_code == 200
