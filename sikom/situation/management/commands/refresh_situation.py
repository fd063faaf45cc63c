from django.core.management.base import BaseCommand

from sikom.situation import cube


class Command(BaseCommand):
    help = "Bring the situation report's counts up to date (the housekeeping job does this every run)."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="Rebuild every month, not only the months touched.")

    def handle(self, *args, full: bool, **options):
        months = cube.refresh(full=full)
        if options["verbosity"]:
            self.stdout.write(f"situation: {months} months rebuilt")
