"""Long jobs with a progress bar (decision 0031): letters for a survey sample today, reports tomorrow.

An app registers what a kind of job does in its ``AppConfig.ready()``::

    jobs.register("surveys.letters", make_letters)

    def make_letters(job: Job, out: BinaryIO, progress: Callable[[int], None]) -> tuple[str, str]:
        ...            # write the result into `out`, call progress(done) now and then
        return "Anschreiben.pdf", "application/pdf"

A view starts one with ``start(kind=…, owner=request.user, label=…, params={…}, total=…)``: the row is written and
the task ``run_job`` enqueued on the database task queue (the queue's row holds only the job's id). The worker
calls the handler with ``out``, a stream that encrypts into a temporary file (``core.crypto.StreamEncryptor``: one
64 KiB segment in memory), and a ``progress`` callback that writes ``done`` to the row at most every half second.
The finished file goes into the private storage ``evidence`` as ``jobs/<uuid>.skj``; the page shows the bar
(``core/partials/job.html``, polled by htmx, with an »Aktualisieren« link without JavaScript) and the download link.

Only the owner sees a job (``jobs_visible_to``; others get 404), and every download is audited. The housekeeping
job ``jobs`` deletes result files after ``JOB_RESULT_DAYS`` days and the rows after twice that.

A handler raises ``JobRefused("German message")`` for a failure the person should read (nothing to print, the
register is deleted); any other exception is logged and shown as a general failure.
"""

import logging
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import BinaryIO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from sikom.core import audit
from sikom.core.crypto import StreamEncryptor, decrypt_stream
from sikom.core.models import Job

logger = logging.getLogger(__name__)

STORAGE_ALIAS = "evidence"
FOLDER = "jobs"
SUFFIX = ".skj"
PROGRESS_INTERVAL = 0.5  # seconds between two writes of `done`
STALE_AFTER = timedelta(hours=6)  # a job queued or running this long lost its worker (a crash, a restart)

Handler = Callable[[Job, BinaryIO, Callable[[int], None]], tuple[str, str]]
_handlers: dict[str, Handler] = {}


class JobRefused(Exception):
    """A failure with a German message for the person who started the job."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = str(message)


def register(kind: str, handler: Handler) -> None:
    _handlers[kind] = handler


def _storage() -> Storage:
    return storages[STORAGE_ALIAS]


def start(*, kind: str, owner, label: str, params: dict, total: int) -> Job:
    """Write the job and enqueue it; returns the row (the worker may already have finished it)."""
    if kind not in _handlers:
        raise ValueError(f"no handler registered for job kind {kind!r}")
    job = Job.objects.create(owner=owner, kind=kind, label=label[:200], params=params, total=max(total, 0))
    run_job.enqueue(job.pk)
    job.refresh_from_db()
    return job


class _Encrypting:
    """The file-like `out` a handler writes into."""

    def __init__(self, encryptor: StreamEncryptor) -> None:
        self._encryptor = encryptor

    def write(self, data: bytes) -> int:
        self._encryptor.write(bytes(data))
        return len(data)


@task()
def run_job(job_id: int) -> str:
    job = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).first()
    if job is None:
        return "gone"
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    handler = _handlers.get(job.kind)
    last = [0.0]

    def progress(done: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_INTERVAL:
            last[0] = now
            Job.objects.filter(pk=job.pk).update(done=done)

    try:
        if handler is None:
            raise JobRefused(_("Diese Art von Auftrag gibt es nicht mehr."))
        with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as spool:
            with StreamEncryptor(spool) as encryptor:
                filename, content_type = handler(job, _Encrypting(encryptor), progress)
            spool.seek(0)
            name = _storage().save(f"{FOLDER}/{uuid.uuid4().hex}{SUFFIX}", File(spool))
    except JobRefused as refused:
        _fail(job, refused.message)
        return "refused"
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _fail(job, _("Der Auftrag ist fehlgeschlagen. Bitte versuchen Sie es noch einmal."))
        return "failed"
    now = timezone.now()
    updated = Job.objects.filter(pk=job.pk).update(
        status=Job.Status.DONE,
        done=job.total,
        result_name=name,
        result_filename=filename[:200],
        result_type=content_type[:100],
        result_size=encryptor.size,
        finished_at=now,
        expires_at=now + timedelta(days=settings.JOB_RESULT_DAYS),
    )
    if not updated:  # the row went (its owner was deleted) while the job ran
        _storage().delete(name)
    return "done"


def _fail(job: Job, message: str) -> None:
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error=message[:500], finished_at=timezone.now())


def jobs_visible_to(user) -> QuerySet[Job]:
    if not user.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(owner=user)


def get_job_for(user, pk) -> Job:
    return get_object_or_404(jobs_visible_to(user), pk=pk)


def _checked(name: str) -> str:
    if not name.startswith(f"{FOLDER}/") or not name.endswith(SUFFIX) or ".." in name or "\\" in name:
        raise ValueError(f"invalid job storage name: {name!r}")
    return name


def has_result(job: Job) -> bool:
    return job.status == Job.Status.DONE and bool(job.result_name)


def open_result(job: Job) -> Iterator[bytes]:
    """The decrypted result, chunk by chunk (each authenticated)."""
    name = _checked(job.result_name)

    def chunks() -> Iterator[bytes]:
        with _storage().open(name, "rb") as source:
            yield from decrypt_stream(source)

    return chunks()


def purge() -> dict[str, int]:
    """Housekeeping: fail jobs whose worker went away, delete result files past their date, rows twice as old, and
    files no row knows (a crash between saving the file and writing the row) older than a day."""
    now = timezone.now()
    stale = Job.objects.filter(
        status__in=[Job.Status.QUEUED, Job.Status.RUNNING], created_at__lt=now - STALE_AFTER
    ).update(
        status=Job.Status.FAILED,
        error=_("Der Auftrag wurde nicht fertig. Bitte starten Sie ihn noch einmal."),
        finished_at=now,
    )
    files = 0
    for job in Job.objects.filter(expires_at__lt=now).exclude(result_name=""):
        _storage().delete(_checked(job.result_name))
        Job.objects.filter(pk=job.pk).update(result_name="", result_size=0)
        files += 1
    rows, _by_model = Job.objects.filter(created_at__lt=now - timedelta(days=2 * settings.JOB_RESULT_DAYS)).delete()
    known = set(Job.objects.exclude(result_name="").values_list("result_name", flat=True))
    try:
        names = _storage().listdir(FOLDER)[1]
    except FileNotFoundError:
        names = []
    for file_name in names:
        storage_name = f"{FOLDER}/{file_name}"
        if not file_name.endswith(SUFFIX) or storage_name in known:
            continue
        try:
            if _storage().get_modified_time(storage_name) < now - timedelta(days=1):
                _storage().delete(storage_name)
                files += 1
        except FileNotFoundError:
            continue
    return {"job_files": files, "jobs": rows, "jobs_stale": stale}


def download_response(job: Job, *, actor) -> StreamingHttpResponse:
    """The result file as a download (the caller has decided access), audited."""
    audit.log(
        "jobs.result_downloaded",
        actor=actor,
        obj=job,
        data={"kind": job.kind, "params": job.params, "file": job.result_filename},
    )
    response = StreamingHttpResponse(open_result(job), content_type=job.result_type)
    response["Content-Disposition"] = f'attachment; filename="{job.result_filename}"'
    response["Content-Length"] = str(job.result_size)
    response["Cache-Control"] = "no-store"
    return response
