"""Staff pages of the objective factors: indicator list, indicator page with its import history, the import steps
and the municipality profile. Thin: parse, call a service or selector, render."""

import re

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sikom.accounts.decorators import staff_required
from sikom.core import exports
from sikom.geo.models import Municipality
from sikom.geo.selectors import without_boundaries
from sikom.indicators import charts, selectors, services, tables
from sikom.indicators.forms import IndicatorForm, MappingForm, UploadForm, YearsForm
from sikom.indicators.models import IndicatorValue

AGS = re.compile(r"\d{8}")
read_required = staff_required(selectors.can_read)
manage_required = staff_required(selectors.can_manage_indicators)


def _municipality_choices():
    return [
        (ags, name.split(",")[0])
        for ags, name in Municipality.objects.order_by("search_name").values_list("ags", "name")
    ]


@read_required
@require_GET
def indicator_list(request: HttpRequest) -> HttpResponse:
    ags = request.GET.get("gemeinde")
    if ags:
        if AGS.fullmatch(ags) and Municipality.objects.filter(ags=ags).exists():
            return redirect("indicators:profile", ags=ags)
        messages.error(request, _("Diese Gemeinde gibt es nicht. Bitte wählen Sie eine aus der Liste."))
    indicators = selectors.indicator_list()
    fmt = exports.export_format(request)
    if fmt:
        header = [_("Kennzahl"), _("Art"), _("Einheit"), _("Quelle"), _("Werte"), _("Gemeinden"), _("Jahre")]
        rows = (
            [
                i.name,
                i.get_kind_display(),
                i.get_unit_display(),
                i.source,
                i.value_count,
                i.municipality_count,
                i.year_count,
            ]
            for i in indicators
        )
        return exports.table_download(fmt, "kennzahlen", header, rows)
    scope = selectors.import_scope(request.user)
    return render(
        request,
        "indicators/indicator_list.html",
        {
            "indicators": indicators,
            "municipalities": _municipality_choices(),
            "with_data": selectors.municipalities_with_data(),
            "own": scope,
            "can_manage": selectors.can_manage_indicators(request.user),
        },
    )


@manage_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    indicator = selectors.get_indicator_for(request.user, pk) if pk is not None else None
    form = IndicatorForm(request.POST if request.method == "POST" else None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        indicator = services.save_indicator(indicator=indicator, by=request.user, data=form.cleaned_data)
        messages.success(request, _("Die Kennzahl ist gespeichert."))
        return redirect("indicators:detail", pk=indicator.pk)
    return render(request, "indicators/indicator_form.html", {"form": form, "indicator": indicator})


@read_required
@require_GET
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.get_indicator_for(request.user, pk)
    fmt = exports.export_format(request)
    if fmt:
        values = without_boundaries(
            IndicatorValue.objects.filter(indicator=indicator).select_related("municipality"), "municipality"
        ).order_by("municipality__ags", "year", "category")
        header = [_("Gemeindeschlüssel"), _("Gemeinde"), _("Jahr"), _("Kategorie"), _("Wert")]
        rows = (
            [v.municipality.ags, v.municipality.display_name, v.year, v.category, v.value] for v in values.iterator()
        )
        return exports.table_download(fmt, f"kennzahl-{indicator.pk}", header, rows)
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            "indicator": indicator,
            "batches": selectors.batches_of(indicator)[:50],
            "can_manage": selectors.can_manage_indicators(request.user),
        },
    )


# Import --------------------------------------------------------------------------------------------------------


@staff_required(selectors.can_import)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    indicators = selectors.indicators_visible_to(request.user)
    initial = {}
    chosen = request.GET.get("kennzahl", "")
    if chosen.isdigit() and indicators.filter(pk=chosen).exists():
        initial["indicator"] = chosen
    posted = request.method == "POST"
    form = UploadForm(
        request.POST if posted else None, request.FILES if posted else None, indicators=indicators, initial=initial
    )
    scope = selectors.import_scope(request.user)
    report = None
    if request.method == "POST" and form.is_valid():
        indicator = form.cleaned_data["indicator"]
        upload_file = form.cleaned_data["file"]
        try:
            table = tables.read_upload(upload_file)
        except tables.TableRejected as refusal:
            form.add_error("file", refusal.message)
        else:
            mapping = services.standard_mapping(table.header)
            if mapping is not None:
                report = services.validate(table=table, mapping=mapping, indicator=indicator, scope=scope)
            if report is None or report.clean:
                pending = services.hold_upload(
                    indicator=indicator, by=request.user, file_name=upload_file.name or "", table=table
                )
                return redirect("indicators:pending", pk=pending.pk)
    # A refused upload leaves nothing: Django removes its temporary file when the request ends.
    return render(
        request,
        "indicators/upload.html",
        {"form": form, "report": report, "own": scope},
        status=400 if report is not None else 200,
    )


@staff_required(selectors.can_import)
@require_http_methods(["GET", "POST"])
def pending(request: HttpRequest, pk: int) -> HttpResponse:
    held = selectors.get_pending_for(request.user, pk)
    scope = selectors.import_scope(request.user)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = MappingForm(
        request.POST if action == "map" else None,
        header=held.header,
        initial={k: ("" if v is None else str(v)) for k, v in (held.mapping or {}).items()},
    )
    if action == "discard":
        services.discard(pending=held)
        messages.success(request, _("Der Import ist verworfen; es wurde nichts eingelesen."))
        return redirect("indicators:upload")
    if action == "confirm":
        try:
            batch = services.confirm_import(pending_id=held.pk, by=request.user, scope=scope)
        except services.ImportRefused as refusal:
            messages.error(request, refusal.message)
            return redirect("indicators:pending", pk=held.pk)
        messages.success(
            request,
            _("%(rows)d Werte sind eingelesen (%(replaced)d ersetzt).")
            % {"rows": batch.row_count, "replaced": batch.replaced_count},
        )
        return redirect("indicators:detail", pk=batch.indicator_id)
    if action == "map" and form.is_valid():
        try:
            mapping = services.check_mapping(header=held.header, data=form.cleaned_data)
        except services.ImportRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            services.set_mapping(pending=held, mapping=mapping)
            return redirect("indicators:pending", pk=held.pk)
    elif action not in ("", "map"):
        raise Http404
    report = preview = None
    if held.mapping is not None and not form.errors:
        table = tables.Table(header=held.header, rows=held.rows)
        report = services.validate(table=table, mapping=held.mapping, indicator=held.indicator, scope=scope)
        if report.clean:
            preview = services.preview(indicator=held.indicator, records=report.records)
    return render(
        request,
        "indicators/pending.html",
        {
            "held": held,
            "form": form,
            "report": report,
            "preview": preview,
            "sample": held.rows[:5],
        },
        status=400 if form.errors else 200,
    )


# Profile -------------------------------------------------------------------------------------------------------


@read_required
@require_GET
def profile(request: HttpRequest, ags: str) -> HttpResponse:
    if not AGS.fullmatch(ags):
        raise Http404
    municipality = (
        without_boundaries(Municipality.objects.select_related("district"), "", "district").filter(ags=ags).first()
    )
    if municipality is None:
        raise Http404
    years_form = YearsForm(request.GET or None)
    years = years_form.years() if request.GET else None
    profiles = selectors.municipality_profile(
        municipality, years=years, indicators=selectors.indicators_visible_to(request.user)
    )
    district_name = municipality.district.display_name
    fmt = exports.export_format(request)
    if fmt:
        return _profile_download(fmt, municipality, district_name, profiles)
    for number, item in enumerate(profiles):
        for index, series in enumerate(item.series):
            series.svg = charts.series_svg(
                item, series, municipality=municipality, district_name=district_name, id=f"k{number}-{index}"
            )
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "indicators/profile.html",
        {
            "municipality": municipality,
            "district_name": district_name,
            "profiles": profiles,
            "years_form": years_form,
            "query": query.urlencode(),
        },
    )


def _profile_download(fmt, municipality, district_name, profiles):
    header = [
        _("Kennzahl"),
        _("Kategorie"),
        _("Jahr"),
        _("Wert"),
        _("Je 100.000 Einwohner"),
        _("Veränderung zum Vorjahr"),
        _("Veränderung in %"),
        _("Einwohner"),
        _("Einwohnerstand (Jahr)"),
        _("Landkreis: Wert"),
        _("Landkreis: je 100.000"),
        _("Landkreis: Gemeinden mit Daten"),
        _("Sachsen: Wert"),
        _("Sachsen: je 100.000"),
        _("Sachsen: Gemeinden mit Daten"),
    ]

    def rows():
        for item in profiles:
            for series in item.series:
                for row in series.rows:
                    district, saxony = row.district, row.saxony
                    yield [
                        item.indicator.name,
                        series.label,
                        row.year,
                        row.value,
                        row.rate,
                        row.change,
                        row.change_percent,
                        row.inhabitants,
                        row.population_year,
                        district.value if district else None,
                        district.rate if district else None,
                        f"{district.with_data}/{district.municipalities}" if district else None,
                        saxony.value if saxony else None,
                        saxony.rate if saxony else None,
                        f"{saxony.with_data}/{saxony.municipalities}" if saxony else None,
                    ]

    return exports.table_download(fmt, f"kennzahlen-{municipality.ags}", header, rows())
