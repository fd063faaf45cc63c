from django.core.management.base import BaseCommand

from sikom.core.housekeeping import run_jobs, schedule_housekeeping


class Command(BaseCommand):
    help = (
        "Delete abandoned report drafts, evidence files left by crashed uploads, cases past their retention period "
        "and old throttle counters (every job an app has registered)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Instead of running now, make sure the periodic housekeeping task is queued for the worker.",
        )

    def handle(self, *args, schedule: bool, **options):
        if schedule:
            queued = schedule_housekeeping()
            self.stdout.write("housekeeping scheduled" if queued else "housekeeping already scheduled")
            return
        result = run_jobs()
        if options["verbosity"]:
            self.stdout.write(", ".join(f"{name}: {count}" for name, count in result.items()))
