"""Periodic housekeeping as a task that schedules its own next run; `manage.py housekeeping --schedule` starts the
chain (idempotently) and `manage.py housekeeping` runs it once, e.g. from cron.

Each app registers its own jobs (drafts, orphaned files, retention, throttle counters) in its `AppConfig.ready()`,
so core runs them without knowing the apps above it."""

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

HOUSEKEEPING_INTERVAL = timedelta(minutes=15)

Job = Callable[[], dict[str, int]]
_jobs: dict[str, Job] = {}


def register(name: str, job: Job) -> None:
    """A job returns what it removed as counts by name; registering the same name again replaces it."""
    _jobs[name] = job


def run_jobs() -> dict[str, int]:
    result: dict[str, int] = {}
    for job in _jobs.values():
        result |= job()
    return result


@task()
def housekeeping() -> dict[str, int]:
    result = run_jobs()
    schedule_housekeeping(after=HOUSEKEEPING_INTERVAL)
    return result


def schedule_housekeeping(*, after: timedelta = timedelta(0)) -> bool:
    """Enqueue the next run unless one is already waiting; returns whether a run was enqueued."""
    from django.conf import settings

    backend = settings.TASKS["default"]["BACKEND"]
    if backend == "django_tasks_db.DatabaseBackend":
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.filter(task_path=housekeeping.module_path, status="READY")
        if waiting.exists():
            return False
        housekeeping.using(run_after=timezone.now() + after).enqueue()
        return True
    return False
