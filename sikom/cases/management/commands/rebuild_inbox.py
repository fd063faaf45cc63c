from django.core.management.base import BaseCommand

from sikom.cases.services import rebuild_inbox_entries


class Command(BaseCommand):
    help = (
        "Recompute every case's inbox rows from the cases, shares and reports (after a restore or a vocabulary change)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"casefile: {rebuild_inbox_entries()}")
