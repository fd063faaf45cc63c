"""Survey letters benchmark: 10,000 letters (address, code, QR code, crest) as ONE PDF, written the way the letters
job writes them (`sikom.surveys.letters.write_letters` into a `core.crypto.StreamEncryptor` over a temporary file),
in a child process of its own so its peak memory (max RSS) is its own. Every 500th person has a name outside
WinAnsi (»Łukasz«), so the WeasyPrint path for those pages is measured too.

Targets (issue 12): 10,000 letters in under 60 s; memory bounded — peak RSS under 300 MB, and growing by less than
50 MB from 1,000 to 10,000 letters. `BENCH_SURVEY_LETTERS` changes the count. Run alone:
`python bench/survey_letters.py` (with the test environment of `make bench`).
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIME_TARGET_S = 60.0
RSS_TARGET_MB = 300.0
GROWTH_TARGET_MB = 50.0


def child(count: int) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sikom.settings")
    import django

    django.setup()
    import segno

    from sikom.core.crypto import StreamEncryptor
    from sikom.surveys import letters
    from sikom.surveys.models import LetterSettings

    crest = segno.make("Wappen", micro=False).png_data_uri(scale=6)
    import base64

    settings = LetterSettings(
        sender="Gemeindeverwaltung Demostadt · Markt 1 · 01796 Demostadt",
        signature="Die Bürgermeisterin (Demo)",
        text="Guten Tag,\n\n" + "wie sicher fühlen Sie sich in Ihrer Gemeinde? " * 12,
        reminder_text="Erinnerung",
        text_en="If you prefer, you can answer the questionnaire in English.",
        crest=base64.b64decode(crest.split(",", 1)[1]),
        crest_type="image/png",
    )

    def people(n):
        for i in range(n):
            name = "Demo Łukasz Person" if i % 500 == 499 else f"Demo Person {i:05d}"
            yield (
                {"name": name, "lines": [f"Demoweg {i}"], "postcode": "01796", "place": "Demostadt"},
                (f"DEMO-{i // 10000:04d}-{i % 10000:04d}"),
            )

    with tempfile.TemporaryFile() as spool, StreamEncryptor(spool) as warm:
        letters.write_letters(letter_settings=settings, people=people(2), reminder=False, out=warm)
    start_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with tempfile.TemporaryFile() as spool:
        began = time.perf_counter()
        with StreamEncryptor(spool) as encryptor:
            pages = letters.write_letters(letter_settings=settings, people=people(count), reminder=False, out=encryptor)
        seconds = time.perf_counter() - began
        size = encryptor.size
    return {
        "count": count,
        "pages": pages,
        "seconds": seconds,
        "bytes": size,
        "start_mb": start_mb,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run(count: int) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(count)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    count = int(os.environ.get("BENCH_SURVEY_LETTERS", "10000"))
    small = run(max(count // 10, 1))
    full = run(count)
    growth = full["peak_mb"] - small["peak_mb"]
    ok = full["seconds"] < TIME_TARGET_S and full["peak_mb"] < RSS_TARGET_MB and growth < GROWTH_TARGET_MB
    ok &= full["pages"] == count
    print(
        f"survey letters: {full['count']} letters as one PDF in {full['seconds']:.1f} s "
        f"({full['seconds'] * 1000 / full['count']:.2f} ms each, {full['bytes'] / 1024 / 1024:.1f} MB)  "
        f"target <{TIME_TARGET_S:.0f} s  ratio={full['seconds'] / TIME_TARGET_S:4.2f}"
    )
    print(
        f"survey letters: peak RSS {full['peak_mb']:.0f} MB for {full['count']}, {small['peak_mb']:.0f} MB for "
        f"{small['count']} (after warm-up {full['start_mb']:.0f} MB), growth {growth:.0f} MB  "
        f"target <{RSS_TARGET_MB:.0f} MB, growth <{GROWTH_TARGET_MB:.0f} MB"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(child(int(sys.argv[2]))))
    else:
        sys.exit(main())
