from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetrequestsConfig(AppConfig):
    """Expertennetzwerk requests on the case engine (a case of kind »expert_request«, decision 0043), the legal-angle
    checklist, and the coordination's register with its situation conferences."""

    name = "sikom.netrequests"
    label = "netrequests"

    def ready(self) -> None:
        from sikom.cases import kinds
        from sikom.cases.models import CaseKind
        from sikom.core import housekeeping, navigation
        from sikom.netrequests import selectors, services

        kinds.register(CaseKind.EXPERT_REQUEST, page="netrequests:detail", inbox_facts=services.inbox_facts)
        navigation.register(
            order=85,
            url_name="netrequests:list",
            label=_("Expertennetzwerk"),
            shown=lambda user: selectors.can_file(user) or selectors.is_coordination(user),
        )
        housekeeping.register(
            "expert_request_retention", lambda: {"expert_requests_deleted_by_retention": services.apply_retention()}
        )
        housekeeping.register("expert_request_files", services.housekeeping)
