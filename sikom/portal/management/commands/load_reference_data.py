from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from sikom.accounts.services import ensure_reference_organisations
from sikom.cases.routing import ensure_default_rules
from sikom.geo.services import load_reference_data
from sikom.netrequests.angles import ensure_default_angles
from sikom.offers.services import load_offer_catalogue
from sikom.selfcheck.services import load_guide


class Command(BaseCommand):
    help = "Load Saxony's municipalities, districts and police directorates, the programme's offices and the offer catalogue. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=settings.BASE_DIR / "data" / "reference")

    def handle(self, *args, data_dir: Path, **options):
        with transaction.atomic():
            counts = load_reference_data(data_dir=data_dir)
            counts |= ensure_reference_organisations(
                data_file=settings.BASE_DIR / "sikom" / "accounts" / "data" / "organisations.json"
            )
            counts["routing_rules_created"] = ensure_default_rules()
            counts["legal_angles_created"] = ensure_default_angles()
            counts |= load_offer_catalogue(data_file=settings.BASE_DIR / "sikom" / "offers" / "data" / "offers.json")
            counts |= load_guide()
        if options["verbosity"]:
            self.stdout.write(", ".join(f"{name}: {number}" for name, number in counts.items()))
