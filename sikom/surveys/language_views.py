"""The language pages of the questionnaire editor (decision 0046): add and remove a language, translate every text,
see how complete each translation is. Thin: access through `selectors`, writes through `languages`."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sikom.core.versions import EDIT_CONFLICT, EditConflict
from sikom.surveys import languages, selectors
from sikom.surveys.language_forms import AddLanguageForm, TranslationForm
from sikom.surveys.views import keeps
from sikom.surveys.workflow import QUESTIONNAIRE_EDITABLE


def _overview(request, analysis, form=None, status=200) -> HttpResponse:
    entries = languages.overview(analysis)
    context = {
        "analysis": analysis,
        "editable": analysis.status in QUESTIONNAIRE_EDITABLE,
        "entries": [
            {
                "code": entry.code,
                "name": languages.name(entry.code),
                "local_name": languages.local_name(entry.code),
                "rtl": languages.is_rtl(entry.code),
                "state": entry,
            }
            for entry in entries
        ],
        "form": form or AddLanguageForm(present=analysis.languages),
    }
    return render(request, "surveys/languages/overview.html", context, status=status)


@keeps
@require_http_methods(["GET", "POST"])
def language_list(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the languages with their completeness; POST: add a language."""
    analysis = selectors.get_analysis_for(request.user, pk)
    if request.method == "GET":
        return _overview(request, analysis)
    form = AddLanguageForm(request.POST, present=analysis.languages)
    if form.is_valid():
        code = form.cleaned_data["language"]
        try:
            languages.add_language(analysis=analysis, code=code, by=request.user)
        except languages.Refused as error:
            form.add_error("language", str(error.message))
        else:
            messages.success(
                request,
                _("Die Sprache %(language)s ist hinzugefügt. Tragen Sie jetzt die Übersetzungen ein.")
                % {"language": languages.name(code)},
            )
            return redirect("surveys:translate", pk=analysis.pk, code=code)
    return _overview(request, analysis, form=form, status=400)


def _further_language(analysis, code: str) -> str:
    if code == languages.SOURCE or code not in analysis.languages:
        raise Http404
    return code


@keeps
@require_POST
def language_remove(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    _further_language(analysis, code)
    try:
        languages.remove_language(analysis=analysis, code=code, by=request.user)
    except languages.Refused as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Die Sprache %(language)s ist entfernt.") % {"language": languages.name(code)})
    return redirect("surveys:languages", pk=analysis.pk)


@keeps
@require_http_methods(["GET", "POST"])
def translate(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Every text of the questionnaire with its German version and a field for the translation."""
    analysis = selectors.get_analysis_for(request.user, pk)
    _further_language(analysis, code)
    questionnaire = analysis.questionnaire
    groups = languages.groups(questionnaire)
    editable = analysis.status in QUESTIONNAIRE_EDITABLE
    status = 200
    if request.method == "POST":
        form = TranslationForm(request.POST, groups=groups, code=code)
        if not editable:
            form.add_error(None, str(languages.FIXED))
        elif form.is_valid():
            try:
                changed = languages.save_translations(
                    analysis=analysis,
                    code=code,
                    texts=form.texts(),
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                )
            except languages.Refused as error:
                form.add_error(error.field if error.field in form.fields else None, str(error.message))
            except EditConflict:
                form.add_error(None, str(EDIT_CONFLICT))
            else:
                messages.success(
                    request,
                    _("Die Übersetzung ist gespeichert (%(count)s Texte geändert).") % {"count": changed},
                )
                return redirect("surveys:translate", pk=analysis.pk, code=code)
        status = 400
    else:
        form = TranslationForm(groups=groups, code=code, initial={"version": questionnaire.version})
    state = languages.completeness(questionnaire, code, [slot for group in groups for slot in group.slots])
    context = {
        "analysis": analysis,
        "code": code,
        "name": languages.name(code),
        "rtl": languages.is_rtl(code),
        "state": state,
        "form": form,
        "editable": editable,
    }
    return render(request, "surveys/languages/translate.html", context, status=status)
