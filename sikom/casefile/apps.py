from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasefileConfig(AppConfig):
    """The case file: inbox, case page, dossier and retention, composed above cases, assessments and measures."""

    name = "sikom.casefile"
    label = "casefile"

    def ready(self) -> None:
        from sikom.casefile.retention import apply_retention
        from sikom.cases import kinds
        from sikom.cases.models import CaseKind
        from sikom.cases.selectors import handles_cases
        from sikom.core import housekeeping, navigation

        kinds.register(CaseKind.REPORT, page="casefile:detail")
        navigation.register(order=80, url_name="casefile:inbox", label=_("Fälle"), shown=handles_cases)
        housekeeping.register("retention", lambda: {"cases_deleted_by_retention": apply_retention()})
