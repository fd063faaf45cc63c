"""Prevention rules fire on their thresholds, name the figure that triggered them, and stay silent on suppressed
figures."""

from types import SimpleNamespace

from sikom.surveys import prevention
from sikom.surveys.report import Cell, Row


def fake_report(values: dict[str, tuple[float, float, float, int]]):
    rows = {
        key: Row(key, f"Aussage {key}", "Anteil", Cell("proportion", n, False, est, 1.0, low, high))
        for key, (est, low, high, n) in values.items()
    }
    return SimpleNamespace(row=lambda key: rows.get(key))


def by_key(findings):
    return {finding.rule.key: finding for finding in findings}


def test_transport_rule_fires_above_its_threshold_and_names_the_finding():
    rule = next(r for r in prevention.RULES if r.key == "transport_night")
    above = fake_report({"sicher_orte.oepnv_nacht": (rule.threshold + 1, rule.threshold - 5, rule.threshold + 8, 200)})
    finding = by_key(prevention.evaluate(above))["transport_night"]
    assert finding.figure == "sicher_orte.oepnv_nacht"
    assert "Aussage sicher_orte.oepnv_nacht" in finding.text and f"{rule.threshold:.0f} %" in finding.text
    assert not finding.clear  # the interval reaches below the threshold: only a hint
    assert any("Beleuchtung" in str(measure) for measure in finding.rule.measures)
    at = fake_report({"sicher_orte.oepnv_nacht": (rule.threshold, rule.threshold - 5, rule.threshold + 5, 200)})
    assert "transport_night" not in by_key(prevention.evaluate(at))


def test_the_larger_of_several_figures_triggers_and_clear_findings_are_marked():
    findings = by_key(
        prevention.evaluate(fake_report({"probleme.muell": (20, 15, 25, 300), "probleme.graffiti": (45, 38, 52, 300)}))
    )
    assert findings["disorder"].figure == "probleme.graffiti" and findings["disorder"].clear
    assert any("Ordnungsdienst" in str(m) for m in findings["disorder"].rule.measures)


def test_below_rules_cohesion_police_and_reporting():
    findings = by_key(
        prevention.evaluate(
            fake_report(
                {
                    "nachbarschaft.helfen": (40, 33, 47, 200),
                    "vertrauen.vertrauen": (55, 48, 62, 200),
                    "reporting": (30, 20, 42, 40),
                }
            )
        )
    )
    assert {"cohesion", "police_trust", "unreported"} <= set(findings)
    assert "unter der Schwelle" in findings["cohesion"].text
    assert any("Anzeige" in str(m) for m in findings["unreported"].rule.measures)
    quiet = by_key(prevention.evaluate(fake_report({"nachbarschaft.helfen": (80, 75, 85, 200)})))
    assert "cohesion" not in quiet


def test_suppressed_figures_fire_nothing():
    row = Row("reporting", "Anzeigequote", "Anteil", Cell("proportion", 6, True, None, None, None, None))
    report = SimpleNamespace(row=lambda key: row if key == "reporting" else None)
    assert prevention.evaluate(report) == []


def test_every_rule_documents_threshold_direction_and_measures():
    assert "Startwerte" in str(prevention.THRESHOLD_NOTE)
    for rule in prevention.RULES:
        assert rule.direction in ("above", "below") and 0 < rule.threshold < 100
        assert rule.figures and rule.measures and str(rule.finding)
