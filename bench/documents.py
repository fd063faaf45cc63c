"""Document benchmark: the case dossier of a realistic case and 10,000 one-page serial letters, rendered to PDF.

Run with `make bench` (after the inbox benchmark) or on its own: `.venv/bin/python bench/documents.py`. Each
measurement runs in its own child process, so its peak memory (max RSS) is its own; the figures are the time per
dossier (p50/p95 over BENCH_DOCUMENTS_DOSSIERS renders, default 20), the time for BENCH_DOCUMENTS_LETTERS letters
(default 10,000; one PDF per letter, as each goes to its own recipient) and each child's peak RSS, with the RSS after
start-up and one warm-up render beside it.

With `--baseline COMMIT` it also measures the fpdf2 documents of that commit (`sikom/core/pdf.py` and
`sikom/cases/dossier.py`, read with `git show`; fpdf2 must be installed: `.venv/bin/pip install fpdf2==2.8.9`) and
prints the ratios WeasyPrint / fpdf2 from the same run. `docs/decisions/0018-document-engine.md` records such a run
against `cc24bdc`, the last commit with fpdf2.

The realistic case: a threat reported with contact details, worked on by Polizeidirektion Dresden (status changes,
referral to ZORA), 30 messages (a third internal notes), two danger analyses, four protective measures, eight evidence
files. The letter: the template `bench/templates/bench/letter.html` (address block, date, subject, a paragraph of
about 120 words, greeting) through `sikom.core.documents.render_pdf`; for fpdf2 the same content through the old
`Document` API.

Exits non-zero when a target is missed: dossier p95 < 2 s; letters < 100 ms each on average; peak RSS < 400 MB.
"""

import contextlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import types
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import BenchError, child_env, percentile, report

ROOT = Path(__file__).resolve().parent.parent
DOSSIER_TARGET_P95_MS = 2000
LETTER_TARGET_MS = 100
RSS_TARGET_MB = 400
LETTER_BATCH = 100  # letters per turn when the engines take turns
LETTER_TEXT = (
    "im Rahmen des Landesprogramms »Sichere Kommunen« laden wir Sie herzlich zur Regionalkonferenz Ihres Landkreises "
    "ein. Die Konferenz bietet Gelegenheit, sich mit Amts- und Mandatsträgerinnen und -trägern aus den Nachbargemeinden "
    "über Erfahrungen mit Anfeindungen, Bedrohungen und Angriffen auszutauschen, die Beratungs- und Hilfsangebote des "
    "Freistaates kennenzulernen und gemeinsam zu besprechen, welche Schutzmaßnahmen sich in der Praxis bewährt haben. "
    "Fachleute der Polizei, der Opferberatung und der kommunalen Spitzenverbände stehen für Fragen zur Verfügung. "
    "Bitte teilen Sie uns bis zum genannten Datum mit, ob Sie teilnehmen, und ob Sie eine Begleitperson mitbringen."
)


# Driver: environment, database, child processes


def main(baseline: str | None = None) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="sikom-documents-"))
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
        try:
            env = child_env(workdir, f"sqlite:///{workdir}/documents.sqlite3", "BENCH_DOCUMENTS_")
            load = os.getloadavg()
            print(
                f"\ndocuments: Python {sys.version.split()[0]}; {os.cpu_count()} CPUs; "
                f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
            )
            prepared = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--prepare"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=True,
                timeout=1800,
            )
            case_pk = json.loads(prepared.stdout.strip().splitlines()[-1])["case"]
            engines = ["weasyprint", *(["fpdf2"] if baseline else [])]
            results = {}
            for scenario in ("dossier", "letters"):
                children = {engine: Child(env, engine, scenario, case_pk, baseline or "") for engine in engines}
                results |= {(engine, scenario): figures for engine, figures in interleave(scenario, children).items()}
        except (BenchError, subprocess.SubprocessError, KeyError, ValueError) as error:
            print(f"documents benchmark failed: {error}")
            return 1
    return summarise(results, engines)


class Child:
    """A measuring process for one engine and scenario: set up and warmed up once, then told what to render."""

    def __init__(self, env: dict[str, str], engine: str, scenario: str, case_pk: int, baseline: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--serve", engine, scenario, str(case_pk), baseline],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.ready = self.ask("ready")

    def ask(self, command: str) -> dict:
        if command != "ready":
            self.process.stdin.write(command + "\n")
            self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            self.process.wait(timeout=60)
            raise BenchError(f"{command}: the child stopped with exit code {self.process.returncode}")
        return json.loads(line)

    def finish(self) -> dict:
        figures = self.ask("done")
        self.process.wait(timeout=60)
        return figures


def interleave(scenario: str, children: dict[str, Child]) -> dict[str, dict]:
    """Alternate small batches between the engines, so that whatever else the machine does hits both alike."""
    samples: dict[str, list[float]] = {engine: [] for engine in children}
    sizes = dict.fromkeys(children, 0)
    if scenario == "dossier":
        batches = [("dossier", 1)] * int(os.environ.get("BENCH_DOCUMENTS_DOSSIERS", "20"))
    else:
        count = int(os.environ.get("BENCH_DOCUMENTS_LETTERS", "10000"))
        batches = [
            (f"letters {start} {min(LETTER_BATCH, count - start)}", 1) for start in range(0, count, LETTER_BATCH)
        ]
    for command, _ in batches:
        for engine, child in children.items():
            answer = child.ask(command)
            samples[engine].append(answer["ms"])
            sizes[engine] += answer["bytes"]
    results = {}
    for engine, child in children.items():
        end = child.finish()
        results[engine] = {
            "samples_ms": samples[engine],
            "seconds": sum(samples[engine]) / 1000,
            "count": int(os.environ.get("BENCH_DOCUMENTS_LETTERS", "10000")) if scenario == "letters" else 0,
            "bytes": sizes[engine] if scenario == "letters" else sizes[engine] // len(samples[engine]),
            "pages": child.ready["pages"],
            "start_mb": child.ready["start_mb"],
            "peak_mb": end["peak_mb"],
        }
    return results


def summarise(results: dict, engines: list[str]) -> int:
    ok = True
    for engine in engines:
        dossier, letters = results[(engine, "dossier")], results[(engine, "letters")]
        ok &= report(f"{engine}: dossier ({dossier['pages']} pages)", dossier["samples_ms"], DOSSIER_TARGET_P95_MS)
        per_letter = letters["seconds"] * 1000 / letters["count"]
        ok &= per_letter <= LETTER_TARGET_MS
        print(
            f"{engine}: {letters['count']} letters in {letters['seconds']:.1f} s ({per_letter:.2f} ms each, "
            f"{letters['bytes'] / letters['count'] / 1024:.1f} KiB each)  target <{LETTER_TARGET_MS} ms each  "
            f"ratio={per_letter / LETTER_TARGET_MS:4.2f}"
        )
        for scenario in ("dossier", "letters"):
            figures = results[(engine, scenario)]
            ok &= figures["peak_mb"] <= RSS_TARGET_MB
            print(
                f"{engine}: {scenario} peak RSS {figures['peak_mb']:.0f} MB (after start-up and warm-up "
                f"{figures['start_mb']:.0f} MB)  target <{RSS_TARGET_MB} MB  ratio={figures['peak_mb'] / RSS_TARGET_MB:4.2f}"
            )
    if "fpdf2" in engines:
        weasy = {scenario: results[("weasyprint", scenario)] for scenario in ("dossier", "letters")}
        fpdf = {scenario: results[("fpdf2", scenario)] for scenario in ("dossier", "letters")}
        print("ratios WeasyPrint / fpdf2 (same run):")
        for name, pick in (
            ("dossier p50 time", lambda r: statistics.median(r["dossier"]["samples_ms"])),
            ("dossier p95 time", lambda r: percentile(r["dossier"]["samples_ms"], 0.95)),
            ("letters time", lambda r: r["letters"]["seconds"]),
            ("dossier peak RSS", lambda r: r["dossier"]["peak_mb"]),
            ("letters peak RSS", lambda r: r["letters"]["peak_mb"]),
            ("dossier PDF size", lambda r: r["dossier"]["bytes"]),
            ("letter PDF size", lambda r: r["letters"]["bytes"]),
        ):
            print(f"  {name:<18} {pick(weasy):12.1f} / {pick(fpdf):12.1f} = {pick(weasy) / pick(fpdf):6.2f}")
    return 0 if ok else 1


# Child: data


def prepare() -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    return {"case": realistic_case().pk}


def realistic_case():
    import hashlib

    from sikom import testing
    from sikom.accounts.models import OrganisationType
    from sikom.assessments import services as assessment_services
    from sikom.assessments.instrument import ITEMS
    from sikom.cases import services
    from sikom.cases.models import CaseStatus, Message
    from sikom.measures.catalogue import MeasureKind
    from sikom.measures.services import plan_measure
    from sikom.reports.models import Evidence

    officer = testing.directorate_member("14612")
    case = testing.make_case(
        description=("Ein Mann drohte vor dem Haus: »Wir kriegen dich.« Er kam an drei Abenden wieder. " * 12).strip(),
        anonymous=False,
        contact_name="Erika Mustermann",
        contact_email="erika@example.org",
        contact_phone="+49 3501 123456",
        contact_preference="email",
    )
    case = services.change_status(case=case, to=CaseStatus.IN_REVIEW, by=officer, reason="Sichtung begonnen")
    case = services.change_status(case=case, to=CaseStatus.IN_PROGRESS, by=officer, reason="Gefährdung prüfen")
    for number in range(30):
        internal = number % 3 == 2
        Message.objects.create(
            case=case,
            from_reporter=number % 3 == 0,
            author=None if number % 3 == 0 else officer,
            author_organisation="" if number % 3 == 0 else officer.organisation.name,
            internal=internal,
            body=f"Nachricht {number}: "
            + "Heute stand er wieder vor der Tür und rief Beleidigungen. " * (2 + number % 5),
        )
    for number in range(8):
        Evidence.objects.create(
            report=case.report,
            storage_name=f"incoming/{number:032x}.skf",
            original_name=f"Drohbrief_{number:02d}_Foto_vom_Hauseingang.jpg",
            content_type="image/jpeg",
            size=1_500_000 + number * 100_000,
            sha256=hashlib.sha256(f"file {number}".encode()).hexdigest(),
        )
    answers = {code: {"value": "absent", "note": ""} for code in ITEMS}
    for code in list(ITEMS)[:6]:
        answers[code] = {"value": "present", "note": "Laut Aussage der meldenden Person mehrfach beobachtet."}
    for level in (3, 4):
        assessment_services.record_assessment(
            case=case,
            by=officer,
            answers=answers,
            level=level,
            override_reason="Konkreter Ort der Tat wurde angekündigt",
            next_review_on=datetime.now(UTC).date() + timedelta(days=7),
        )
    for kind in list(MeasureKind)[:4]:
        plan_measure(case=case, kind=kind, responsible=officer.organisation, by=officer, notes="Abends vor dem Haus")
    zora = testing.organisation_of(OrganisationType.ZORA)
    return services.refer(case=case, to=zora, by=officer, reason="Zur Strafverfolgung an ZORA")


# Child: measurement


def serve(engine: str, scenario: str, case_pk: int, baseline: str) -> None:
    """Answer the driver's commands on stdin with one JSON line each, on stdout."""
    import django
    from django.conf import settings

    django.setup()
    # The letter template lives with the benchmark; the template engines are built on first use, after this.
    settings.TEMPLATES[0]["DIRS"] = [*settings.TEMPLATES[0]["DIRS"], ROOT / "bench" / "templates"]
    from django.utils import translation

    from sikom.cases.models import Case

    translation.activate("de")
    if engine == "fpdf2":
        render_dossier, render_letter = fpdf2_renderers(baseline)
    else:
        render_dossier, render_letter = weasyprint_renderers()
    case = Case.objects.get(pk=case_pk)
    letters = serial_letters()
    # Warm-up, not counted: the first render loads fonts and stylesheets.
    pages = page_count(render_dossier(case)) if scenario == "dossier" else page_count(render_letter(letters[0]))
    answer({"pages": pages, "start_mb": rss_mb()})
    for line in sys.stdin:
        command, *args = line.split()
        if command == "done":
            answer({"peak_mb": peak_mb()})
            return
        started = time.perf_counter()
        if command == "dossier":
            size = len(render_dossier(case))
        else:
            first, count = map(int, args)
            size = sum(len(render_letter(letter)) for letter in letters[first : first + count])
        answer({"ms": (time.perf_counter() - started) * 1000, "bytes": size})


def answer(figures: dict) -> None:
    sys.stdout.write(json.dumps(figures) + "\n")
    sys.stdout.flush()


def serial_letters() -> list[dict]:
    from sikom.geo.models import Municipality

    names = list(Municipality.objects.order_by("name").values_list("name", flat=True))
    count = int(os.environ.get("BENCH_DOCUMENTS_LETTERS", "10000"))
    return [
        {
            "address": f"Bürgermeister:in Person {number}\nGemeindeverwaltung {names[number % len(names)]}\n"
            f"Markt {number % 40 + 1}\n0{1000 + number % 9000} {names[number % len(names)]}",
            "salutation": f"Sehr geehrte:r Person {number},",
            "number": f"RK-2026-{number:05d}",
        }
        for number in range(count)
    ]


def weasyprint_renderers():
    from django.utils.translation import gettext as _

    from sikom.casefile.dossier import render_dossier_pdf
    from sikom.core.documents import format_date, render_pdf

    sent = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

    def letter(data: dict) -> bytes:
        context = {**data, "date": format_date(sent), "text": LETTER_TEXT}
        label = _("Einladung %(number)s") % {"number": data["number"]}
        return render_pdf("bench/letter.html", context, label=label, created_at=sent)

    return render_dossier_pdf, letter


def fpdf2_renderers(commit: str):
    """The dossier and a letter on the fpdf2 documents of ``commit``, loaded from git without checking it out."""
    from django.utils.translation import gettext as _

    pdf = load_module("sikom.core.pdf", commit, "sikom/core/pdf.py")
    dossier = load_module("bench_fpdf2_dossier", commit, "sikom/cases/dossier.py")
    sent = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

    def letter(data: dict) -> bytes:
        document = pdf.Document(_("Einladung %(number)s") % {"number": data["number"]})
        document.paragraph(data["address"], space_before=25)
        document.paragraph(pdf.format_date(sent), space_before=25)
        document.paragraph("Einladung zur Regionalkonferenz »Sichere Kommunen«", bold=True, space_before=8)
        document.paragraph(data["salutation"], space_before=6)
        document.paragraph(LETTER_TEXT, space_before=3)
        document.paragraph("Mit freundlichen Grüßen\nIhr Team »Sichere Kommunen«", space_before=3)
        return document.output()

    return dossier.render_dossier_pdf, letter


def load_module(name: str, commit: str, path: str) -> types.ModuleType:
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{commit}:{path}"], check=True, capture_output=True, text=True
    ).stdout
    module = types.ModuleType(name)
    module.__file__ = f"{commit}:{path}"
    sys.modules[name] = module  # before running it: dataclasses look their module up
    exec(compile(source, module.__file__, "exec"), module.__dict__)  # noqa: S102 -- the project's own code from git
    return module


def page_count(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if sys.argv[1:2] == ["--prepare"]:
        print(json.dumps(prepare()))
    elif sys.argv[1:2] == ["--serve"]:
        engine, scenario, case_pk, baseline = sys.argv[2:6]
        serve(engine, scenario, int(case_pk), baseline)
    else:
        baseline = sys.argv[2] if sys.argv[1:2] == ["--baseline"] else os.environ.get("BENCH_DOCUMENTS_BASELINE")
        sys.exit(main(baseline or None))
