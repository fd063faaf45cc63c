"""Demo figures for the report (only in the demo set-up, `load_demo_data`, after the surveys and fieldwork demos): the
demo analysis of Pirna gets generated answers (`demo.demo_answers`: random numbers, labelled demo, no real figures)
for the invitations the fieldwork demo marked as answered, some places of fear as points, and demo margins for the
years of residence — so its report at /sicherheitsanalysen/<pk>/bericht/ shows weighted figures, domain tables and
prevention findings. The page and the PDF say that the figures are demo data."""

import random

from sikom.surveys import demo, report_document
from sikom.surveys.models import InvitationKind, InvitationStatus, Response, SafetyAnalysis, StratumCount

PIRNA = "14628270"
SEED = 2034
CENTRE = (50.962, 13.940)  # Pirna's old town, for points of the demo places of fear


def load() -> list[str]:
    analysis = (
        SafetyAnalysis.objects.filter(municipality__ags=PIRNA, is_demo=True, stratum_counts__isnull=False)
        .distinct()
        .order_by("pk")
        .first()
    )
    if analysis is None:
        return []
    submitted = analysis.invitations.filter(kind=InvitationKind.CODE, status=InvitationStatus.SUBMITTED).count()
    missing = submitted - Response.objects.filter(questionnaire__analysis=analysis).count()
    if missing <= 0:  # loaded already (one answer sheet per answered invitation)
        return []
    rng = random.Random(SEED)  # noqa: S311 - demo answers, not security
    rows = []
    for _index in range(missing):
        answers, texts = demo.demo_answers(rng)
        if answers.get("angstort_gibt") == "1" and rng.random() < 0.4:
            answers["angstort"] = {
                "lat": round(CENTRE[0] + rng.gauss(0, 0.006), 5),
                "lon": round(CENTRE[1] + rng.gauss(0, 0.009), 5),
            }
        rows.append(Response(questionnaire=analysis.questionnaire, answers=answers, texts=texts or None, is_demo=True))
    Response.objects.bulk_create(rows)
    population = sum(StratumCount.objects.filter(analysis=analysis).values_list("population", flat=True))
    if population:
        # Demo margins for the years of residence (invented shares of the register's total, labelled demo).
        shares = {"0-2": 0.08, "2-5": 0.12, "6-10": 0.15}
        residence = {code: round(population * share) for code, share in shares.items()}
        residence["10+"] = population - sum(residence.values())
        report_document.save_weighting(
            analysis=analysis, margins={"residence": residence}, use_design_weights=True, by=None
        )
    return [
        f"Demo-Bericht: {len(rows)} weitere Demo-Antworten für »{analysis.title}« (/sicherheitsanalysen/{analysis.pk}/bericht/)"
    ]
