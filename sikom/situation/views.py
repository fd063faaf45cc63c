"""The situation report: the staff version (`report`, offices named in `selectors.can_read`) and the public one
(`public`). Thin: parse the choice, take the tables from the selectors (disclosure control applied there), render
or export them."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sikom.accounts.decorators import staff_required
from sikom.core import exports
from sikom.situation import charts, cube, selectors
from sikom.situation import dimensions as d
from sikom.situation.forms import EXPORTS, ReportForm

read_required = staff_required(selectors.can_read)


def _staff_tables(choice: dict) -> dict[str, selectors.Table]:
    """The tables of the staff page; an export builds them all too, so it carries exactly the page's numbers."""
    lagebild = selectors.Lagebild(
        first_year=choice["von"],
        last_year=choice["bis"],
        granularity=choice["zeit"],
        pair=(choice["zeilen"], choice["spalten"]),
    )
    return {
        "zeit": lagebild.list_of(d.PERIOD, slug="zeit"),
        "kreis": lagebild.list_of("district", slug="kreis"),
        "merkmal": lagebild.list_of(choice["merkmal"], slug="merkmal"),
        "kreuz": lagebild.cross(choice["zeilen"], choice["spalten"]),
    }


def _download(request: HttpRequest, fmt: str, table: selectors.Table, stem: str) -> HttpResponse:
    header, rows = table.export()
    note = _("».« = gesperrt (weniger als %(n)d Vorfälle oder zur Sperrung nötig)") % {"n": table.threshold}
    rows.append([note])
    if table.mentions:
        rows.append([_("Summen zählen Nennungen: ein Vorfall mit mehreren Angaben zählt bei jeder.")])
    return exports.table_download(fmt, f"{stem}-{table.slug}", header, rows)


@read_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.GET or None, years=selectors.year_range())
    choice = form.choice()
    fmt = exports.export_format(request)
    if fmt:
        wanted = request.GET.get("tabelle", "")
        if wanted not in EXPORTS:
            raise Http404
        return _download(request, fmt, _staff_tables(choice)[wanted], "lagebild")
    tables = _staff_tables(choice)
    query = urlencode({key: choice[key] for key in ("von", "bis", "zeit", "merkmal", "zeilen", "spalten")})
    period = f"{choice['von']}–{choice['bis']}" if choice["von"] != choice["bis"] else str(choice["von"])
    return render(
        request,
        "situation/report.html",
        {
            "form": form,
            "tables": tables,
            "query": query,
            "period": period,
            "refreshed_at": cube.refreshed_at(),
            "threshold": selectors.threshold_for(public=False),
            "demo": settings.SIKOM_DEMO,
            "time_chart": charts.column_chart(
                tables["zeit"], element_id="grafik-zeit", description=_("Säulen je Zeitraum; Werte in der Tabelle.")
            ),
            "map": charts.district_map(
                tables["kreis"],
                element_id="karte-kreise",
                description=_("Karte der Landkreise und Kreisfreien Städte; Werte in der Tabelle."),
            ),
            "dimension_chart": charts.bar_chart(
                tables["merkmal"],
                element_id="grafik-merkmal",
                description=_("Balken je Ausprägung; Werte in der Tabelle."),
            ),
        },
    )


PUBLIC_YEARS = 6
PUBLIC_EXPORTS = ("kreise", "vorfallarten", "komo")


def _public_years() -> tuple[int, int] | None:
    """The last complete years with data (the running year is not published before it ends)."""
    years = selectors.year_range()
    if years is None:
        return None
    last = min(years[1], timezone.localdate().year - 1)
    if last < years[0]:
        return None
    return max(years[0], last - PUBLIC_YEARS + 1), last


def _public_tables(years: tuple[int, int], komo_year: int):
    lagebild = selectors.Lagebild(
        first_year=years[0],
        last_year=years[1],
        granularity=d.Granularity.YEAR,
        public=True,
        monthly={"district", "category", "form"},
    )
    tables = {
        "kreise": lagebild.cross("district", d.PERIOD, slug="kreise"),
        "vorfallarten": lagebild.cross("category", d.PERIOD, slug="vorfallarten"),
    }
    tables["komo"] = selectors.komo_comparison(lagebild, year=komo_year, categories=tables["vorfallarten"])
    return tables


@require_GET
def public(request: HttpRequest) -> HttpResponse:
    years = _public_years()
    context = {"years": years, "threshold": selectors.threshold_for(public=True), "demo": settings.SIKOM_DEMO}
    fmt = exports.export_format(request)
    if years is None:
        if fmt:
            raise Http404
        return render(request, "situation/public.html", context)
    komo_year = years[1]
    asked = request.GET.get("jahr", "")
    error = ""
    if asked:
        if asked.isdigit() and years[0] <= int(asked) <= years[1]:
            komo_year = int(asked)
        else:
            error = _("Bitte wählen Sie ein Jahr zwischen %(first)d und %(last)d.") % {
                "first": years[0],
                "last": years[1],
            }
    if fmt:
        wanted = request.GET.get("tabelle", "")
        if wanted not in PUBLIC_EXPORTS:
            raise Http404
        table = _public_tables(years, komo_year)[wanted]
        if wanted == "komo":
            rows, _counts = table
            header = [
                _("Art des Vorfalls"),
                _("Vorfälle"),
                _("Anteil in %"),
                _("KoMo-Anteil in %"),
                _("KoMo-Jahr"),
                _("Quelle"),
            ]
            lines = [[r.label, r.count, r.share, r.komo_share, r.komo_year or "", r.komo_source] for r in rows]
            return exports.table_download(fmt, f"lagebild-komo-{komo_year}", header, lines)
        return _download(request, fmt, table, "lagebild-oeffentlich")
    tables = _public_tables(years, komo_year)
    komo_rows, komo_table = tables.pop("komo")
    context.update(
        tables=tables,
        komo_rows=komo_rows,
        komo_table=komo_table,
        komo_year=komo_year,
        komo_year_str=str(komo_year),
        year_choices=list(range(years[1], years[0] - 1, -1)),
        year_error=error,
        refreshed_at=cube.refreshed_at(),
    )
    return render(request, "situation/public.html", context)
