"""The reference population for rates per 100,000 inhabitants.

The only population figures in the reference data are Destatis' for 31.12.2023 (`Municipality.population`, see
data/reference/SOURCES.md: »population and area as of 31.12.2023«, column `einwohner_stand`). A year without its own
figures uses the nearest year that has them, and the pages say so; nothing is estimated or interpolated.
A test checks `AVAILABLE_YEARS` against the reference file, so a newer reference edition cannot slip in unnoticed.
"""

from django.utils.translation import gettext as _

# Year -> the date the figures refer to. Only 2023 exists in the reference data.
AVAILABLE_YEARS = {2023: "31.12.2023"}
SOURCE = "Statistisches Bundesamt (Destatis), Gemeindeverzeichnis GV-ISys; Fortschreibung auf Grundlage des Zensus 2011"


def year_for(year: int) -> int:
    """The population year used for data of `year`: the year itself if available, else the nearest (the later one
    on a tie)."""
    return min(AVAILABLE_YEARS, key=lambda available: (abs(available - year), -available))


def note(years: list[int]) -> str:
    """The visible statement of which population the rates use, naming the years that borrow a neighbour's."""
    used = sorted({year_for(year) for year in years}) or sorted(AVAILABLE_YEARS)
    text = _("Häufigkeitszahlen je 100.000 Einwohner aus den Einwohnerzahlen am %(dates)s (%(source)s).") % {
        "dates": ", ".join(AVAILABLE_YEARS[year] for year in used),
        "source": SOURCE,
    }
    borrowed = sorted(year for year in years if year not in AVAILABLE_YEARS)
    if borrowed:
        text += " " + _(
            "Für %(years)s liegen keine Einwohnerzahlen vor; verwendet wird das nächstgelegene Jahr mit Zahlen "
            "(%(used)s)."
        ) % {
            "years": ", ".join(str(year) for year in borrowed),
            "used": ", ".join(str(year) for year in sorted({year_for(year) for year in borrowed})),
        }
    return text
