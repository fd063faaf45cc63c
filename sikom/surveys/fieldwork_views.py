"""Pages of the fieldwork (/sicherheitsanalysen/<pk>/feldarbeit/…): register extract, sample, letters with their
background job, deletion of the register, field monitoring. Thin: the analysis comes from `selectors` (outside it:
404), every write goes through `fieldwork`."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sikom.accounts.decorators import staff_required
from sikom.core import audit
from sikom.core.exports import export_format, table_download
from sikom.surveys import charts_fieldwork, fieldwork, selectors
from sikom.surveys.fieldwork_forms import ConfirmDeleteForm, LetterSettingsForm, RegisterUploadForm, SampleForm
from sikom.surveys.job_views import JobPages
from sikom.surveys.models import RegisterExtract, StratumCount
from sikom.surveys.services import Refused

staff = staff_required(selectors.keeps_analyses)
LETTER_JOBS = JobPages(
    kind=fieldwork.LETTER_KIND,
    poll="surveys:letters_job",
    download="surveys:letters_download",
    page="surveys:letters",
    anchor="",
    downloaded="surveys.letters_downloaded",
)


def _extract(analysis) -> RegisterExtract | None:
    return RegisterExtract.objects.filter(analysis=analysis).first()


def _refusal(form, error: Refused) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


@staff
@require_GET
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    extract = _extract(analysis)
    return render(
        request,
        "surveys/fieldwork/overview.html",
        {
            "analysis": analysis,
            "extract": extract,
            "persons": extract.persons.count() if extract else 0,
            "strata": StratumCount.objects.filter(analysis=analysis),
            "delete_form": ConfirmDeleteForm(),
        },
    )


@staff
@require_http_methods(["GET", "POST"])
def register_import(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    form = RegisterUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            fieldwork.import_register(
                analysis=analysis,
                raw=fieldwork.read_upload(upload),
                file_name=upload.name or "",
                mapping=form.mapping(),
                by=request.user,
            )
        except fieldwork.RegisterRejected as rejected:
            report = rejected.check
            form.add_error("file", str(rejected.message))
        except Refused as error:
            _refusal(form, error)
        else:
            messages.success(request, _("Der Registerauszug ist übernommen."))
            return redirect("surveys:fieldwork", pk=analysis.pk)
    return render(
        request,
        "surveys/fieldwork/register.html",
        {"analysis": analysis, "form": form, "report": report, "columns": fieldwork.COLUMNS},
    )


@staff
@require_http_methods(["GET", "POST"])
def sample(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    extract = _extract(analysis)
    if extract is None or extract.deleted_at is not None:
        messages.error(request, _("Bitte laden Sie zuerst einen Registerauszug hoch."))
        return redirect("surveys:fieldwork", pk=analysis.pk)
    data = request.POST if request.method == "POST" else (request.GET or None)
    chooser = SampleForm(data, variables=extract.variables)
    strata: dict[str, int] = {}
    if chooser.is_valid():
        strata = fieldwork.populations(extract, chooser.cleaned_data["strata_by"])
    form = SampleForm(data, variables=extract.variables, strata=strata)
    if data is not None and form.is_valid():
        total = form.cleaned_data["total"]
        action = request.POST.get("action") if request.method == "POST" else "allocate"
        if action == "draw" and extract.drawn_at is None:
            try:
                fieldwork.draw_sample(
                    analysis=analysis,
                    strata_by=form.cleaned_data["strata_by"],
                    sizes=form.sizes(),
                    seed=form.cleaned_data["seed"],
                    by=request.user,
                )
            except Refused as error:
                _refusal(form, error)
            else:
                messages.success(request, _("Die Stichprobe ist gezogen; für jede Person gibt es einen Zugangscode."))
                return redirect("surveys:fieldwork", pk=analysis.pk)
        elif total:
            try:
                sizes = fieldwork.proportional(strata, total)
            except Refused as error:
                _refusal(form, error)
            else:
                # Show the allocation in the size fields: a new unbound-looking form with the sizes filled in.
                values = data.copy()
                for index, label in enumerate(strata):
                    values[f"size_{index}"] = str(sizes[label])
                form = SampleForm(values, variables=extract.variables, strata=strata)
                form.is_valid()
    return render(
        request,
        "surveys/fieldwork/sample.html",
        {"analysis": analysis, "extract": extract, "form": form, "strata": strata},
    )


@staff
@require_http_methods(["GET", "POST"])
def letters(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    current = fieldwork.letter_settings_for(analysis)
    initial = {name: getattr(current, name) for name in ("sender", "signature", "text", "reminder_text", "text_en")}
    form = LetterSettingsForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action in ("letters", "reminders"):
            try:
                fieldwork.start_letters(analysis=analysis, reminder=action == "reminders", by=request.user)
            except Refused as error:
                messages.error(request, str(error.message))
            else:
                messages.success(request, _("Die Briefe werden erstellt."))
            return redirect("surveys:letters", pk=analysis.pk)
        if form.is_valid():
            crest = None
            try:
                if form.cleaned_data["crest"]:
                    crest = fieldwork.check_crest(form.cleaned_data["crest"])
                fieldwork.save_letter_settings(
                    analysis=analysis,
                    data=form.cleaned_data,
                    crest=crest,
                    remove_crest=form.cleaned_data["remove_crest"],
                    by=request.user,
                )
            except Refused as error:
                _refusal(form, error)
            else:
                messages.success(request, _("Die Einstellungen der Briefe sind gespeichert."))
                return redirect("surveys:letters", pk=analysis.pk)
    extract = _extract(analysis)
    job_list = [(job, LETTER_JOBS.urls(analysis, job)) for job in fieldwork.letter_jobs(analysis, request.user)]
    return render(
        request,
        "surveys/fieldwork/letters.html",
        {
            "analysis": analysis,
            "form": form,
            "settings": current,
            "extract": extract,
            "jobs": job_list,
            "survey_url": fieldwork.letters.survey_url(),
        },
    )


@staff
@require_GET
def letters_job(request: HttpRequest, pk: int, job_pk: int) -> HttpResponse:
    return LETTER_JOBS.progress(request, pk, job_pk)


@staff
@require_GET
def letters_download(request: HttpRequest, pk: int, job_pk: int) -> HttpResponse:
    return LETTER_JOBS.result(request, pk, job_pk)


@staff
@require_POST
def register_delete(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    form = ConfirmDeleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte bestätigen Sie das Löschen."))
        return redirect("surveys:fieldwork", pk=analysis.pk)
    deleted = fieldwork.delete_register(analysis=analysis, by=request.user, reason="manual")
    if deleted:
        messages.success(request, _("Das Melderegister ist gelöscht; die Zahlen je Schicht bleiben erhalten."))
    return redirect("surveys:fieldwork", pk=analysis.pk)


@staff
@require_GET
def monitoring(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    figures = fieldwork.monitoring(analysis)
    fmt = export_format(request)
    if fmt:
        audit.log("surveys.monitoring_exported", actor=request.user, obj=analysis, data={"format": fmt})
        rows = [
            [_("insgesamt"), "", figures["overall"].invited, figures["overall"].submitted, figures["overall"].percent]
        ]
        rows += [
            [_("Schicht"), rate.label, rate.invited, rate.submitted, rate.percent] for rate in figures["by_stratum"]
        ]
        for variable, rates in figures["by_variable"].items():
            rows += [[variable, rate.label, rate.invited, rate.submitted, rate.percent] for rate in rates]
        rows += [
            [_("Tag"), day if fmt == "xlsx" else day.strftime("%d.%m.%Y"), "", count, running]
            for day, count, running in figures["days"]
        ]
        return table_download(
            fmt,
            f"Feldbeobachtung-{analysis.municipality.ags}-{analysis.year}",
            [_("Gliederung"), _("Gruppe"), _("Eingeladen"), _("Geantwortet"), _("Rücklauf in % / kumuliert")],
            rows,
        )
    return render(
        request,
        "surveys/fieldwork/monitoring.html",
        {
            "analysis": analysis,
            "figures": figures,
            "chart": charts_fieldwork.daily_chart(figures["days"]),
            "query": "",
        },
    )
