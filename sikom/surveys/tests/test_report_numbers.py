"""The report's numbers: they are the statistics package's on the same data, a hand-checked share, suppression below
10 respondents, weighting from entered margins and from the register's stratum counts, the data export."""

import math

import numpy as np
import pytest

from sikom.surveys import report, report_document, stats
from sikom.surveys.models import Response, StratumCount, WeightingSetup
from sikom.surveys.tests.factories import running_analysis

pytestmark = pytest.mark.django_db

AGES = ["16-29", "30-44", "45-64", "65-74", "75+"]


def respondents(analysis, n=60):
    """n deterministic respondents of the standard questionnaire."""
    questionnaire = analysis.questionnaire
    rows = []
    for i in range(n):
        answers = {
            "sicher_dunkel": "9" if i % 15 == 0 else str(1 + (i * 7) % 4),
            "sicher_orte": {"oepnv_nacht": str(1 + (i * 3) % 4), "tag_zentrum": "1"},
            "alter": AGES[i % 5],
            "geschlecht": "w" if i % 2 else "m",
            "ortsteil": "kern" if i % 3 else "andere",
            "wohndauer": "10+" if i % 4 else "2-5",
            "haushalt": 1 + i % 4,
            "opfer": ["theft"] if i % 5 == 0 else ["nichts"],
            "angstort_gibt": "1" if i % 2 else "2",
            "angstort": "bahnhof" if i % 4 == 1 else {"lat": 50.96, "lon": 13.94},
        }
        if i % 5 == 0:
            answers["anzeige"] = "1" if i % 10 == 0 else "3"
        rows.append(Response(questionnaire=questionnaire, answers=answers, texts={"anmerkungen": f"Text {i}"}))
    Response.objects.bulk_create(rows)
    return [row.answers for row in rows]


@pytest.fixture
def analysis(asskomm):
    return running_analysis(by=asskomm)


def test_unweighted_share_is_hand_checked(analysis):
    answers = respondents(analysis, 60)
    built = report.build(analysis)
    row = built.row("sicher_dunkel")
    valid = [a["sicher_dunkel"] for a in answers if a["sicher_dunkel"] != "9"]
    unsafe = sum(1 for value in valid if value in ("3", "4"))
    assert row.overall.n == len(valid) == 56
    assert row.overall.estimate == pytest.approx(100 * unsafe / len(valid))
    assert row.measure == "eher oder sehr unsicher"
    assert not built.weighting.design_weights and built.weighting.margins == []
    assert built.weighting.deff == pytest.approx(1.0)


def test_weighted_numbers_match_the_statistics_package(analysis, asskomm):
    answers = respondents(analysis, 60)
    margins = {
        "age_group": {"16-29": 300, "30-44": 250, "45-64": 250, "65-74": 100, "75+": 100},
        "sex": {"w": 520, "m": 480},
    }
    report_document.save_weighting(analysis=analysis, margins=margins, use_design_weights=True, by=asskomm)
    built = report.build(analysis)
    # The same computation by hand with the package.
    design = stats.rake(
        stats.make_design(len(answers)),
        {"age_group": [a["alter"] for a in answers], "sex": [a["geschlecht"] for a in answers]},
        margins,
        maxit=report.RAKE_MAXIT,
    )
    y = [math.nan if a["sicher_dunkel"] == "9" else float(a["sicher_dunkel"] in ("3", "4")) for a in answers]
    expected = stats.estimate(design, y)
    row = built.row("sicher_dunkel")
    # Responses come back from the database in another order; the estimates do not depend on it.
    assert row.overall.estimate == pytest.approx(100 * expected.mean.estimate, rel=1e-9)
    assert row.overall.se == pytest.approx(100 * expected.mean.se, rel=1e-9)
    assert row.overall.low == pytest.approx(100 * expected.mean.ci[0], rel=1e-9)
    assert row.overall.high == pytest.approx(100 * expected.mean.ci[1], rel=1e-9)
    assert built.weighting.converged is True
    assert sum(built.weighting.weights) == pytest.approx(1000)
    deff, n_eff = stats.kish(design.weights)
    assert built.weighting.deff == pytest.approx(deff) and built.weighting.n_effective == pytest.approx(n_eff)
    # Domain by sex, as estimate_many gives it on the full design.
    by = stats.estimate_many(design, {"y": y}, by={"sex": [a["geschlecht"] for a in answers]})
    cells = dict(row.domains["sex"])
    assert cells["weiblich"].estimate == pytest.approx(100 * by["y"]["by"]["sex"]["w"].mean.estimate, rel=1e-9)
    # The mean of a number.
    household = built.row("haushalt")
    assert household.overall.kind == "mean"
    assert household.overall.estimate == pytest.approx(
        stats.estimate(design, [a["haushalt"] for a in answers]).mean.estimate, rel=1e-9
    )


def test_cells_below_ten_are_suppressed(analysis):
    respondents(analysis, 30)  # 6 per age group
    built = report.build(analysis)
    row = built.row("sicher_dunkel")
    assert not row.overall.suppressed
    assert all(cell.suppressed and cell.estimate is None for _label, cell in row.domains["age_group"])
    # A matrix row nobody answered is still a share (suppressed), not a mean.
    empty = built.row("sicher_orte.haltestelle_nacht").overall
    assert empty.kind == "proportion" and empty.suppressed and empty.n == 0
    sexes = dict(row.domains["sex"])
    assert not sexes["weiblich"].suppressed  # 15 women, 14 with a valid answer
    # Victims: 6 of 30; the reporting rate among them rests on 6 answers and is suppressed.
    assert built.row("reporting").overall.suppressed
    assert built.row("victimisation").overall.estimate == pytest.approx(100 * 6 / 30)
    # Named places below 10 mentions are not shown as a number.
    bahnhof = next(place for place in built.places if place.code == "bahnhof")
    assert bahnhof.count == 8 and bahnhof.shown == ""


def test_margins_from_the_register_and_design_weights(analysis):
    answers = respondents(analysis, 60)
    from sikom.surveys.models import RegisterExtract

    RegisterExtract.objects.create(analysis=analysis, file_name="x.csv", strata_by=["sex"], variables=["sex"])
    StratumCount.objects.create(analysis=analysis, stratum="w", sex="w", population=600, sample=100)
    StratumCount.objects.create(analysis=analysis, stratum="m", sex="m", population=400, sample=100)
    built = report.build(analysis)
    assert built.weighting.design_weights
    assert [(m.role, m.source) for m in built.weighting.margins] == [("sex", "register")]
    women = sum(1 for a in answers if a["geschlecht"] == "w")
    design = stats.make_design(
        strata=[a["geschlecht"] for a in answers],
        fpc=[600 if a["geschlecht"] == "w" else 400 for a in answers],
    )
    assert women == 30
    y = [math.nan if a["sicher_dunkel"] == "9" else float(a["sicher_dunkel"] in ("3", "4")) for a in answers]
    expected = stats.estimate(design, y)
    assert built.row("sicher_dunkel").overall.se == pytest.approx(100 * expected.mean.se, rel=1e-9)
    assert sorted(set(np.round(built.weighting.weights, 6))) == [pytest.approx(400 / 30), pytest.approx(20.0)]


def test_bad_margins_fall_back_with_the_german_message(analysis, asskomm):
    respondents(analysis, 20)
    WeightingSetup.objects.create(
        analysis=analysis, margins={"residence": {"0-2": 10, "2-5": 10, "6-10": 10, "10+": 70}}
    )
    built = report.build(analysis)
    assert "keine befragte Person" in built.weighting.error
    assert built.row("sicher_dunkel").overall.estimate is not None


def test_data_export_rows_have_weights_and_no_texts_unless_asked(analysis):
    respondents(analysis, 12)
    header, rows = report.data_rows(analysis, include_texts=False)
    assert header[0] == "gewicht" and "anmerkungen" not in header and len(rows) == 12
    assert not any("Text" in str(cell) for row in rows for cell in row)
    header, rows = report.data_rows(analysis, include_texts=True)
    assert header[-2:] == ["angstort_grund", "anmerkungen"]
    assert sorted(row[-1] for row in rows) == sorted(f"Text {i}" for i in range(12))
    _book_header, book = report.codebook(analysis)
    assert any(line[0] == "sicher_orte_oepnv_nacht" for line in book)
