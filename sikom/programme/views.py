"""The programme figures: the ASSKomm team's page with exports, and the public page with the public figures."""

from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sikom.accounts.decorators import staff_required
from sikom.accounts.selectors import is_asskomm
from sikom.core.exports import export_format, table_download
from sikom.geo.maps import choropleth
from sikom.programme import selectors
from sikom.programme.charts import bar_chart, quarter_label
from sikom.programme.forms import SelectionForm


def _form(request: HttpRequest, *, public_only: bool) -> SelectionForm:
    return SelectionForm(
        request.GET or None,
        figures=selectors.figures(public_only=public_only),
        with_chart=not public_only,
        initial={"stichtag": timezone.localdate()},
    )


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


def _chart(chosen: selectors.Counts, label: str) -> dict:
    series = chosen.series()
    last = len(series) - 1
    highest_index = max(range(len(series)), key=lambda index: series[index][1])
    highest_day, highest = series[highest_index]
    description = _(
        "Balkendiagramm: %(figure)s am Ende jedes Quartals seit Februar 2019 und am Stichtag %(day)s (%(value)s). "
        "Höchster Wert: %(highest)s (%(when)s). Die Zahlen stehen auch in der Tabelle unter dem Diagramm."
    ) % {
        "figure": label,
        "day": date_format(chosen.day, "SHORT_DATE_FORMAT"),
        "value": _number(chosen.total()),
        "highest": _number(highest),
        "when": quarter_label(highest_day, last=highest_index == last),
    }
    return {
        "quarters": [(quarter_label(day, last=index == last), value) for index, (day, value) in enumerate(series)],
        "chart": bar_chart(
            series=series,
            title=_("%(figure)s im Verlauf") % {"figure": label},
            description=description,
            element_id="verlauf-grafik",
        ),
    }


def _page(request: HttpRequest, *, public_only: bool, template: str) -> HttpResponse:
    """The public page shows no chart: its chosen figure is counted on the day only (by district)."""
    form = _form(request, public_only=public_only)
    day, key = form.selection()
    overview = selectors.overview(day, key, public_only=public_only, over_time=not public_only)
    context = {"form": form, "overview": overview, "day": day, "chosen_key": key}
    chosen = overview.chosen
    if chosen is not None:
        label = str(chosen.figure.label)
        context["label"] = label
        if not public_only:
            context.update(_chart(chosen, label))
        context["map"] = choropleth(
            values={row.key: row.value for row in overview.districts if row.key},
            title=_("%(figure)s nach Landkreisen am %(day)s")
            % {"figure": label, "day": date_format(day, "SHORT_DATE_FORMAT")},
            description=_(
                "Karte der 13 Landkreise und Kreisfreien Städte Sachsens; je dunkler, desto höher der Wert. "
                "Die Zahlen stehen auch in der Tabelle unter der Karte."
            ),
            element_id="karte-grafik",
        )
    return render(request, template, context)


@require_GET
@staff_required(is_asskomm)
def dashboard(request: HttpRequest) -> HttpResponse:
    return _page(request, public_only=False, template="programme/dashboard.html")


@require_GET
def public(request: HttpRequest) -> HttpResponse:
    return _page(request, public_only=True, template="programme/public.html")


EXPORTS = {"stichtag", "quartale", "landkreise"}


def _export(request: HttpRequest, table: str, *, public_only: bool) -> HttpResponse:
    """One table as CSV or XLSX: every figure on the day, at every quarter end, or per district."""
    if table not in EXPORTS:
        raise Http404
    fmt = export_format(request, default="csv")
    form = _form(request, public_only=public_only)
    day, _key = form.selection()
    if form.is_bound and form.errors:
        raise BadRequest(_("Ungültiger Stichtag oder ungültige Kennzahl."))
    figures = selectors.figures(public_only=public_only)
    stem = f"{'zahlen' if public_only else 'programm'}-{table}-{day.isoformat()}"
    if table == "stichtag":
        header = [_("Kennzahl"), _("Schlüssel"), _("Stichtag"), _("Wert")]
        rows = [
            [figure.label, figure.key, day, value]
            for figure, value in selectors.totals_on(day, public_only=public_only)
        ]
        return table_download(fmt, stem, header, rows)
    names = selectors.district_names()
    header_figures = [figure.label for figure in figures]
    if table == "quartale":
        results = [selectors.counts(figure, day) for figure in figures]
        header = [_("Stand am"), *header_figures]
        days = results[0].days if results else (day,)
        rows = [[point] + [result.total(index) for result in results] for index, point in enumerate(days)]
        return table_download(fmt, stem, header, rows)
    results = [selectors.counts(figure, day, since=day, known_districts=names) for figure in figures]
    header = [_("Kreisschlüssel"), _("Landkreis / Kreisfreie Stadt"), *header_figures]
    columns = [{row.key: row for row in selectors.district_values(result)} for result in results]
    keys = sorted(names.items())
    if any(None in column for column in columns):
        keys.append((None, _("ohne Landkreis")))
    rows = [[key or "", name] + [column[key].value if key in column else 0 for column in columns] for key, name in keys]
    return table_download(fmt, stem, header, rows)


@require_GET
@staff_required(is_asskomm)
def export(request: HttpRequest, table: str) -> HttpResponse:
    return _export(request, table, public_only=False)


@require_GET
def public_export(request: HttpRequest, table: str) -> HttpResponse:
    """The public figures' tables, for everyone (counts only, like the page)."""
    return _export(request, table, public_only=True)
