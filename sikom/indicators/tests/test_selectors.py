"""The municipality profile: rates per 100,000, changes, trend and the district/Saxony comparison, each checked
against figures computed by hand from the stored records and the reference population."""

from decimal import ROUND_HALF_UP, Decimal

import pytest

from sikom.geo.models import Municipality
from sikom.indicators import charts, selectors
from sikom.indicators.models import Indicator, Unit
from sikom.indicators.tests.factories import DRESDEN, FREITAL, PIRNA, import_rows, make_indicator, population

pytestmark = pytest.mark.django_db


def _rate(value, inhabitants) -> Decimal:
    return (Decimal(value) * 100_000 / inhabitants).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@pytest.fixture
def crime(asskomm):
    indicator = make_indicator(name="Straftaten")
    rows = [(PIRNA, 2022, "", 100), (PIRNA, 2023, "", 120), (FREITAL, 2023, "", 50), (DRESDEN, 2023, "", 1000)]
    rows += [(PIRNA, 2023, "Diebstahl", 30)]
    import_rows(indicator, rows, by=asskomm)
    return indicator


def test_profile_rates_changes_and_comparisons(crime, django_assert_num_queries):
    pirna = Municipality.objects.get(ags=PIRNA)
    p_pirna, p_freital, p_dresden = population(PIRNA), population(FREITAL), population(DRESDEN)
    with django_assert_num_queries(4):
        profiles = selectors.municipality_profile(pirna)
    (profile,) = profiles
    assert profile.indicator == crime
    total, theft = profile.series
    assert (total.label, theft.label) == ("Insgesamt", "Diebstahl")
    first, second = total.rows
    assert (first.year, first.value, first.rate) == (2022, 100, _rate(100, p_pirna))
    assert second.rate == _rate(120, p_pirna)
    assert second.change == 20 and second.change_percent == (
        (_rate(120, p_pirna) - _rate(100, p_pirna)) * 100 / _rate(100, p_pirna)
    ).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert first.change is None
    district_count = Municipality.objects.filter(district__key="14628").count()
    assert second.district.value == 170 and second.district.inhabitants == p_pirna + p_freital
    assert second.district.rate == _rate(170, p_pirna + p_freital)
    assert (second.district.with_data, second.district.municipalities) == (2, district_count)
    assert second.saxony.value == 1170 and second.saxony.rate == _rate(1170, p_pirna + p_freital + p_dresden)
    assert (second.saxony.with_data, second.saxony.municipalities) == (3, 418)
    assert (first.district.value, first.district.with_data, first.saxony.with_data) == (100, 1, 1)
    assert total.trend.direction == "up" and total.trend.label == "steigend"
    assert theft.trend is None and theft.rows[0].district.value == 30
    assert first.population_year == 2023
    assert "Für 2022 liegen keine Einwohnerzahlen vor" in profile.population_note


def test_years_limit_the_profile(crime):
    pirna = Municipality.objects.get(ags=PIRNA)
    (profile,) = selectors.municipality_profile(pirna, years=[2023])
    assert [row.year for row in profile.series[0].rows] == [2023]
    assert profile.series[0].rows[0].change is None and profile.series[0].trend is None
    assert selectors.municipality_profile(pirna, years=range(2000, 2010)) == []
    assert selectors.municipality_profile(pirna, indicators=Indicator.objects.none()) == []


def test_values_are_compared_as_population_weighted_means(asskomm):
    indicator = make_indicator(unit=Unit.VALUE, per_capita=False, name="Quote")
    import_rows(indicator, [(PIRNA, 2023, "", "6,0"), (FREITAL, 2023, "", "8,0")], by=asskomm)
    (profile,) = selectors.municipality_profile(Municipality.objects.get(ags=PIRNA))
    row = profile.series[0].rows[0]
    p_pirna, p_freital = population(PIRNA), population(FREITAL)
    expected = (Decimal(6 * p_pirna + 8 * p_freital) / (p_pirna + p_freital)).quantize(Decimal("0.01"))
    assert row.rate is None and row.district.value == expected and row.district.rate is None
    assert not profile.sums


def test_falling_and_stable_trends(asskomm):
    indicator = make_indicator()
    import_rows(
        indicator,
        [(PIRNA, 2020, "a", 100), (PIRNA, 2021, "a", 80), (PIRNA, 2020, "b", 100), (PIRNA, 2021, "b", 103)],
        by=asskomm,
    )
    (profile,) = selectors.municipality_profile(Municipality.objects.get(ags=PIRNA))
    assert [series.trend.direction for series in profile.series] == ["down", "stable"]
    assert profile.series[0].trend.percent == Decimal("-20.0")


def test_chart_is_accessible_svg_with_the_numbers(crime):
    pirna = Municipality.objects.select_related("district").get(ags=PIRNA)
    (profile,) = selectors.municipality_profile(pirna)
    svg = charts.series_svg(profile, profile.series[0], municipality=pirna, district_name="Landkreis X", id="t")
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-labelledby="chart-t-title chart-t-desc"' in svg
    rate = f"{profile.series[0].rows[1].rate}".replace(".", ",")
    assert f"Pirna: 2022 {profile.series[0].rows[0].rate}".replace(".", ",") in svg and rate in svg
    assert "Landkreis X" in svg and "Sachsen" in svg and "style=" not in svg


def test_visibility(asskomm, municipality_user, zastex, outsider, crime):
    for user in (asskomm, municipality_user, zastex, outsider):
        user.is_verified = lambda: True  # as the OTP middleware marks who passed the second factor
    assert selectors.indicators_visible_to(asskomm).count() == 1
    assert selectors.indicators_visible_to(municipality_user).count() == 1
    assert not selectors.indicators_visible_to(zastex).exists()
    assert not selectors.indicators_visible_to(outsider).exists()
    assert selectors.import_scope(asskomm) is None
    assert selectors.import_scope(municipality_user).ags == PIRNA
    assert selectors.can_manage_indicators(asskomm) and not selectors.can_manage_indicators(municipality_user)
