from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """Safety analyses with citizen survey: plan, team, questionnaire, access codes, online questionnaire and the
    anonymous answers."""

    name = "sikom.surveys"
    label = "surveys"
    verbose_name = _("Sicherheitsanalysen")

    def ready(self) -> None:
        from sikom.core import housekeeping, jobs
        from sikom.surveys import fieldwork

        jobs.register(fieldwork.LETTER_KIND, fieldwork.make_letters)
        housekeeping.register("survey_registers", fieldwork.delete_registers)
