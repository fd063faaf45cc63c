from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """Safety analyses with citizen survey: plan, team, questionnaire, access codes, online questionnaire and the
    anonymous answers."""

    name = "sikom.surveys"
    label = "surveys"
    verbose_name = _("Sicherheitsanalysen")

    def ready(self) -> None:
        from sikom.core import housekeeping, jobs, navigation
        from sikom.surveys import fieldwork, report_document, selectors, services

        navigation.register(
            order=125, url_name="surveys:list", label=_("Sicherheitsanalysen"), shown=selectors.keeps_analyses
        )
        housekeeping.register("survey_response_order", services.shuffle_responses)
        jobs.register(fieldwork.LETTER_KIND, fieldwork.make_letters)
        jobs.register(report_document.REPORT_KIND, report_document.make_pdf)
        housekeeping.register("survey_registers", fieldwork.delete_registers)
