"""Demo logins, one per role, for local trials only. Refuses to run unless SIKOM_DEMO is on."""

from base64 import b32encode
from collections.abc import Callable

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from sikom.accounts.models import Organisation, OrganisationType, User
from sikom.alliance import demo as alliance_demo
from sikom.cases.models import Case
from sikom.coaching import demo as coaching_demo
from sikom.consultations import demo as consultations_demo
from sikom.councils import demo as councils_demo
from sikom.events import demo as events_demo
from sikom.funding import demo as funding_demo
from sikom.geo.models import District, Municipality
from sikom.indicators import demo as indicators_demo
from sikom.netrequests import demo as netrequests_demo
from sikom.portal.demo import record_case
from sikom.selfcheck import demo as selfcheck_demo
from sikom.situation import demo as situation_demo
from sikom.surveys import demo as surveys_demo
from sikom.surveys import fieldwork_demo as surveys_fieldwork_demo
from sikom.surveys import report_demo as surveys_report_demo

DEMO_PASSWORD = "sikom-demo-2026"  # noqa: S105 - printed for local trials; the command refuses to run in production
DEMO_DOMAIN = "demo.sikom.invalid"


def _demo_organisations() -> list[tuple[str, str, Organisation | None]]:
    pirna = Municipality.objects.get(ags="14628270")
    kommune, _ = Organisation.objects.get_or_create(
        type=OrganisationType.MUNICIPALITY, municipality=pirna, defaults={"name": "Stadt Pirna (Demo)"}
    )
    dresden = District.objects.get(key="14612")

    def org(**filters) -> Organisation:
        return Organisation.objects.get(**filters)

    return [
        ("amtstraegerin", "Demo Amtsträgerin (ohne Organisation)", None),
        ("kommune", "Demo Kommune Pirna", kommune),
        ("asskomm", "Demo ASSKomm-Team", org(type=OrganisationType.ASSKOMM)),
        ("zastex", "Demo ZASTEX-Analyst:in", org(type=OrganisationType.ZASTEX)),
        ("zmi", "Demo ZMI", org(type=OrganisationType.ZMI)),
        ("pd-dresden", "Demo Polizeidirektion Dresden", org(police_directorate=dresden.police_directorate)),
        ("lka-schutz", "Demo LKA Personen- und Objektschutz", org(type=OrganisationType.LKA_PROTECTION)),
        (
            "expertennetzwerk",
            "Demo Expertennetzwerk Dresden",
            org(type=OrganisationType.EXPERT_NETWORK, district=dresden),
        ),
        ("zora", "Demo ZORA", org(type=OrganisationType.ZORA)),
        ("admin", "Demo Plattformbetrieb", org(type=OrganisationType.OPERATOR)),
    ]


# Each app's demo records, in the order they build on each other: (name, loader returning lines for the summary).
DEMO_LOADERS: list[tuple[str, Callable[[], list[str]]]] = [
    ("alliance", alliance_demo.load),
    ("consultations", consultations_demo.load),
    ("councils", councils_demo.load),
    ("coaching", coaching_demo.load),
    ("events", events_demo.load),
    ("indicators", indicators_demo.load),
    ("surveys", surveys_demo.load),
    ("surveys_fieldwork", surveys_fieldwork_demo.load),
    ("surveys_report", surveys_report_demo.load),
    ("selfcheck", selfcheck_demo.load),
    ("netrequests", netrequests_demo.load),
    ("funding", funding_demo.load),
    ("situation", situation_demo.load),
]

DEMO_CASES = [
    {
        "categories": ["threat", "private_sphere"],
        "place": "home",
        "motives": ["right_wing"],
        "description": "[Demo] Zwei Personen standen am Abend vor dem Wohnhaus und riefen Drohungen.",
    },
    {
        "categories": ["online_hate", "insult"],
        "place": "online",
        "motives": ["none"],
        "description": "[Demo] Beleidigende Kommentare unter einem Beitrag der Gemeinde.",
    },
    {
        "categories": ["data_published"],
        "place": "online",
        "motives": ["reichsbuerger"],
        "description": "[Demo] Privatadresse in einer Liste in einem Messenger-Kanal veröffentlicht.",
    },
    {
        "categories": ["physical_attack"],
        "place": "street",
        "motives": ["none"],
        "municipality_ags": "14713000",
        "description": "[Demo] Nach einer Ratssitzung auf dem Heimweg gestoßen.",
    },
]


def _demo_cases() -> list[str]:
    """A few routed cases, so the inboxes are not empty in a trial (only when there are no cases yet)."""
    if Case.objects.exists():
        return []
    return [record_case(**case).number for case in DEMO_CASES]


class Command(BaseCommand):
    help = "Create one demo login per role (SIKOM_DEMO=true only) and print the logins with their TOTP secrets."

    def handle(self, *args, **options):
        if not settings.SIKOM_DEMO:
            raise CommandError(
                "Demo data is for local trials only: run with SIKOM_DEMO=true (make run and make dev do). Never in "
                "production: the demo logins share a published password."
            )
        rows = []
        with transaction.atomic():
            for local, name, organisation in _demo_organisations():
                email = f"{local}@{DEMO_DOMAIN}"
                user = User.objects.filter(email=email).first()
                if user is None:
                    user = User.objects.create_user(
                        email,
                        DEMO_PASSWORD,
                        full_name=name,
                        organisation=organisation,
                        is_staff=local == "admin",
                        is_superuser=local == "admin",
                    )
                secret = ""
                if user.must_use_two_factor:
                    device, _ = TOTPDevice.objects.get_or_create(
                        user=user, confirmed=True, defaults={"name": "Demo-Authenticator"}
                    )
                    secret = b32encode(device.bin_key).decode().rstrip("=")
                rows.append((email, organisation.name if organisation else "–", secret))
            demo_cases = _demo_cases()
            summary = [line for _name, load in DEMO_LOADERS for line in load()]
        self.stdout.write("")
        if demo_cases:
            self.stdout.write(f"Demo-Fälle angelegt: {', '.join(demo_cases)}")
        for line in summary:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Demo-Zugänge (Passwort für alle: {DEMO_PASSWORD})"))
        self.stdout.write("TOTP-Schlüssel in eine Authenticator-App eintragen (oder: oathtool --totp -b SCHLÜSSEL)")
        for email, organisation, secret in rows:
            self.stdout.write(f"  {email:<38} TOTP {secret or '(keiner nötig)':<34} {organisation}")
        self.stdout.write("Server: http://127.0.0.1:8000\n")
