"""Periodic housekeeping as a task that schedules its own next run; `manage.py housekeeping --schedule` starts the
chain (idempotently) and `manage.py housekeeping` runs it once, e.g. from cron."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

HOUSEKEEPING_INTERVAL = timedelta(minutes=15)


@task()
def housekeeping() -> dict[str, int]:
    from sikom.cases.retention import apply_retention
    from sikom.reports import services

    result = services.housekeeping()
    result["cases_deleted_by_retention"] = apply_retention()
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
