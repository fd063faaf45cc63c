from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilsConfig(AppConfig):
    name = "sikom.councils"
    label = "councils"

    def ready(self) -> None:
        from sikom.core import figures, navigation
        from sikom.councils import selectors
        from sikom.councils.figures import analysis_rows, council_rows

        navigation.register(
            order=140, url_name="councils:list", label=_("Präventionsräte"), shown=selectors.keeps_prevention_records
        )
        navigation.register(order=145, url_name="councils:public_list", label=_("Bürgerbeteiligung"))
        figures.register(
            figures.Figure(
                key="councils",
                label=_("Kriminalpräventive Räte"),
                order=40,
                rows=council_rows,
                description=_("Räte, die an diesem Tag bestehen: gegründet und nicht aufgelöst."),
            )
        )
        figures.register(
            figures.Figure(
                key="safety_analyses",
                label=_("Sicherheitsanalysen"),
                order=50,
                rows=analysis_rows,
                description=_("Abgeschlossene Sicherheitsanalysen bis zu diesem Tag."),
            )
        )
