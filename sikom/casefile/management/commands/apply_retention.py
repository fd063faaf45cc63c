from django.core.management.base import BaseCommand

from sikom.casefile.retention import apply_retention, due_for_deletion


class Command(BaseCommand):
    help = "Delete closed cases past the retention period (CASE_RETENTION_DAYS), keeping pseudonymised statistics."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count the cases that would be deleted.")

    def handle(self, *args, dry_run: bool, **options):
        if dry_run:
            self.stdout.write(f"due for deletion: {due_for_deletion().count()}")
            return
        self.stdout.write(f"deleted: {apply_retention()}")
