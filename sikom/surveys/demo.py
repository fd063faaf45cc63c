"""A demo safety analysis for Pirna (only in the demo set-up, marked as demo): running with the standard
questionnaire, field period around today, 60 access codes in two strata of which 24 were used on the days before,
generated answers (labelled demo: random numbers, no real figures) and the open link switched on. Two unused codes
are printed so the questionnaire can be tried at /umfrage/. Before it, the earlier wave of 2023 (`wave_demo`)."""

import random
from datetime import timedelta

from django.utils import timezone

from sikom.geo.models import Municipality
from sikom.surveys import bank, services, wave_demo
from sikom.surveys.models import AnalysisState, Invitation, SafetyAnalysis

PIRNA = "14628270"
DEMO = "(Demo)"
ANSWERED = 24


def _scale_answer(rng: random.Random, scale: str, lean: float) -> str:
    codes = [code for code, _de, _en, *flags in bank.SCALES[scale] if "missing" not in flags]
    index = min(len(codes) - 1, max(0, int(rng.gauss(lean * (len(codes) - 1), 0.9) + 0.5)))
    return codes[index]


def demo_answers(rng: random.Random) -> tuple[dict, dict]:
    """One generated respondent of the standard questionnaire (random, for trying the pages; not real data)."""
    unsafe = rng.random()
    answers: dict = {
        "sicher_dunkel": _scale_answer(rng, "safety", unsafe),
        "sicher_orte": {
            row: _scale_answer(rng, "safety", unsafe * (1.3 if "nacht" in row else 0.6))
            for row in ("tag_wohngegend", "tag_zentrum", "nacht_zentrum", "oepnv_nacht", "zuhause_nacht")
        },
        "sorge": {row: _scale_answer(rng, "worry", unsafe) for row in ("einbruch", "diebstahl", "angriff", "betrug")},
        "probleme": {row: _scale_answer(rng, "problem", rng.random()) for row in ("muell", "licht", "verkehr")},
        "nachbarschaft": {row: _scale_answer(rng, "agree", 1 - unsafe / 2) for row in ("helfen", "vertrauen")},
        "vertrauen": {"vertrauen": _scale_answer(rng, "agree", 0.7)},
        "alter": rng.choice(["16-29", "30-44", "45-64", "45-64", "65-74", "75+"]),
        "geschlecht": rng.choice(["w", "m", "w", "m", "9"]),
        "ortsteil": rng.choice(["kern", "kern", "andere"]),
        "wohndauer": rng.choice(["0-2", "2-5", "6-10", "10+", "10+"]),
        "haushalt": rng.randint(1, 5),
        "massnahmen": sorted(rng.sample(["licht", "sauberkeit", "polizei", "jugend", "oepnv"], k=rng.randint(1, 3))),
    }
    texts: dict = {}
    if rng.random() < 0.3:
        answers["opfer"] = [rng.choice(["theft", "damage", "fraud"])]
        answers["anzeige"] = rng.choice(["1", "3"])
    else:
        answers["opfer"] = ["nichts"]
    if unsafe > 0.5:
        answers["angstort_gibt"] = "1"
        answers["angstort"] = rng.choice(["bahnhof", "park", "unterfuehrung"])
        texts["angstort_grund"] = rng.choice(["[Demo] Abends schlecht beleuchtet.", "[Demo] Dort ist abends niemand."])
    else:
        answers["angstort_gibt"] = "2"
    # Order as the questionnaire asks them (the bank's order), for readable drafts.
    order = {item["key"]: i for i, item in enumerate(bank.items())}
    return dict(sorted(answers.items(), key=lambda pair: order[pair[0]])), texts


def load() -> list[str]:
    if SafetyAnalysis.objects.filter(is_demo=True).exists():
        return []
    municipality = Municipality.objects.get(ags=PIRNA)
    today = timezone.localdate()
    earlier = wave_demo.load(municipality)  # first: done before the current one starts
    analysis = services.create_analysis(
        municipality=municipality,
        title=f"Sicherheitsanalyse Pirna {today.year} {DEMO}",
        year=today.year,
        by=None,
        field_start=today - timedelta(days=14),
        field_end=today + timedelta(days=28),
        demo=True,
    )
    services.change_status(analysis=analysis, to=AnalysisState.RUNNING, by=None)
    services.enable_open_link(analysis=analysis, enabled=True, by=None)
    issued = services.create_invitations(
        analysis=analysis, strata={f"Kernstadt {DEMO}": 36, f"Ortsteile {DEMO}": 24}, by=None, demo=True
    )
    rng = random.Random(int(PIRNA))  # noqa: S311 - demo answers, not security
    for n, code in enumerate(issued[:ANSWERED]):
        invitation = Invitation.objects.get(pk=code.invitation_id)
        answers, texts = demo_answers(rng)
        services.save_draft(invitation=invitation, answers=answers, texts=texts, page=7, language="de")
        services.submit(invitation=invitation)
        # Spread the demo submissions over the past days of the field period (the day is all the monitoring knows).
        Invitation.objects.filter(pk=invitation.pk).update(used_on=today - timedelta(days=n % 12))
    unused = [code.code for code in issued[ANSWERED : ANSWERED + 2]]
    analysis.refresh_from_db()
    return [
        f"Demo-Sicherheitsanalyse Pirna: läuft, {len(issued)} Zugangscodes, {ANSWERED} Demo-Antworten; "
        f"Fragebogen unter /umfrage/ mit den Demo-Zugangscodes {unused[0]} und {unused[1]} "
        f"oder über den offenen Link /umfrage/offen/{analysis.open_token}/",
        earlier,
    ]
