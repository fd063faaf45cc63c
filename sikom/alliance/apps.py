from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllianceConfig(AppConfig):
    name = "sikom.alliance"
    label = "alliance"

    def ready(self) -> None:
        from sikom.alliance.selectors import can_use_alliance, member_figure_rows
        from sikom.core import figures, navigation

        navigation.register(order=110, url_name="alliance:index", label=_("Allianz"), shown=can_use_alliance)
        figures.register(
            figures.Figure(
                key="members",
                label=_("Mitgliedskommunen"),
                order=10,
                rows=member_figure_rows,
                public=True,
                description=_("Kommunen in der Allianz Sichere Sächsische Kommunen (Beitritt bis Austritt)."),
            )
        )
