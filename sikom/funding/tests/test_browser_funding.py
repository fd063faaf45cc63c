"""The whole path in a real browser, every page checked with axe: a municipality applies with a balanced finance plan,
is refused for a share above the rate, fixes it and submits; staff start the review, score and ask a question; the
applicant changes the plan and answers; a second person approves in part; the letter opens; a payment request is
paid; the proof of use is filed and closed with a repayment of the unspent amount; the budget overview shows each
step."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from sikom.browser_testing import check_accessibility, login_browser
from sikom.funding.models import Application, Status
from sikom.funding.tests.factories import make_call, reviewer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n%Projektskizze\n"


def _open_call():
    today = timezone.localdate()
    year = today.year + 1
    return make_call(
        title="Förderaufruf Kommunale Prävention",
        year=year,
        opens_on=today - timedelta(days=7),
        closes_on=today + timedelta(days=30),
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
        attachments=1,
    )


def _fill_application(page, call, tmp_path):
    page.get_by_label("Projekttitel").fill("Sicher unterwegs im Quartier")
    page.get_by_label(re.compile("^Zielgruppen")).fill("Bewohnerinnen und Bewohner")
    for label in (
        "Problembeschreibung",
        "Analyse der Ursachen des Problems",
        "Ziele und Zielgruppen",
        "Maßnahmen zur Zielerreichung",
        "Projektkonzeption und Durchführung",
    ):
        page.get_by_label(re.compile(f"^{label}")).fill(f"{label}: beschrieben.")
    line = page.get_by_role("group", name="Kostenposition 1")
    line.get_by_label("Kostenart").select_option(label="Honorare")
    line.get_by_label("Jahr").fill(str(call.year))
    line.get_by_label(re.compile("^Beschreibung")).fill("Honorare der Trainer")
    line.get_by_label(re.compile(r"^Betrag")).fill("10.000,00")
    own = page.get_by_role("group", name="Eigenmittel 1")
    own.get_by_label("Art").select_option(label="Geld")
    own.get_by_label(re.compile("^Beschreibung")).fill("Haushaltsmittel")
    own.get_by_label(re.compile(r"^Wert")).fill("500,00")
    page.get_by_label(re.compile(r"^Beantragte Förderung")).fill("9.500,00")
    page.get_by_label(re.compile("^Datum der Beratung")).fill(f"{timezone.localdate() - timedelta(days=20):%Y-%m-%d}")
    page.get_by_label(re.compile("^Thema der Beratung")).fill("Förderberatung durch das ASSKomm-Team")
    sketch = tmp_path / "skizze.pdf"
    sketch.write_bytes(PDF)
    page.get_by_label(re.compile("^Anlage: Anlage 1")).set_input_files(str(sketch))
    page.get_by_label("Wir versichern").check()
    page.get_by_label("Das Projekt hat noch nicht begonnen", exact=False).check()


def test_apply_review_query_decide_pay(page, live_server, client, municipality_user, asskomm, tmp_path):
    call = _open_call()
    login_browser(page, live_server, client, municipality_user)
    page.goto(live_server.url + reverse("portal:home"))
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Förderung").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Förderung »Kommunale Prävention«")
    check_accessibility(page)
    page.get_by_role("link", name=call.title).click()
    check_accessibility(page)
    page.get_by_role("link", name="Antrag stellen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Antrag stellen")
    check_accessibility(page)

    _fill_application(page, call, tmp_path)
    page.get_by_role("button", name="Antrag einreichen").click()
    expect(page.get_by_role("alert").first).to_contain_text("Regel »Höchster Fördersatz«")
    expect(page.locator("#id_requested_error")).to_contain_text("höchstens 90 %")
    check_accessibility(page)
    assert not Application.objects.exists()

    # Fixed: 9.000 requested, 1.000 own money; the file must be chosen again after a refusal.
    page.get_by_role("group", name="Eigenmittel 1").get_by_label(re.compile(r"^Wert")).fill("1.000,00")
    page.get_by_label(re.compile(r"^Beantragte Förderung")).fill("9.000,00")
    sketch = tmp_path / "skizze.pdf"
    page.get_by_label(re.compile("^Anlage: Anlage 1")).set_input_files(str(sketch))
    page.get_by_role("button", name="Antrag einreichen").click()
    expect(page.get_by_role("status")).to_contain_text(f"Aktenzeichen: KP-{call.year}-0001")
    check_accessibility(page)
    application = Application.objects.get()
    receipt = page.request.get(live_server.url + reverse("funding:receipt", args=[application.pk]))
    assert receipt.ok and receipt.body().startswith(b"%PDF")

    # Staff: completeness, score, question.
    login_browser(page, live_server, client, asskomm)
    page.goto(live_server.url + reverse("funding:applications"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Förderanträge")
    check_accessibility(page)
    page.get_by_role("link", name="Sicher unterwegs im Quartier").click()
    page.get_by_role("button", name="Vollständig – Prüfung beginnen").click()
    page.get_by_label(re.compile("^Problembezug")).select_option("4")
    page.get_by_label(re.compile("^Umsetzbarkeit")).select_option("3")
    page.get_by_role("button", name="Bewertung speichern").click()
    expect(page.get_by_role("status")).to_contain_text("Ihre Bewertung ist gespeichert.")
    page.get_by_label("Rückfrage an den Antragsteller").fill("Bitte den Zeitplan im Schritt 5 ergänzen.")
    page.get_by_label("Antwort bis").fill(f"{timezone.localdate() + timedelta(days=14):%Y-%m-%d}")
    page.get_by_role("button", name="Rückfrage senden").click()
    expect(page.get_by_role("status")).to_contain_text("Die Rückfrage ist gestellt")
    check_accessibility(page)

    # The applicant changes the description and answers.
    login_browser(page, live_server, client, municipality_user)
    page.goto(live_server.url + reverse("funding:application_detail", args=[application.pk]))
    page.get_by_role("link", name="Antrag überarbeiten").click()
    page.get_by_label(re.compile("^Projektkonzeption")).fill("Zeitplan: Januar bis Dezember.")
    page.get_by_role("button", name="Änderungen speichern").click()
    page.get_by_role("link", name="Rückfrage beantworten").click()
    check_accessibility(page)
    page.get_by_label("Ihre Antwort auf die Rückfrage").fill("Der Zeitplan ist ergänzt.")
    page.get_by_role("button", name="Antwort senden").click()
    expect(page.get_by_role("status")).to_contain_text("wieder in Prüfung")
    expect(page.get_by_role("table", name="Geänderte Angaben")).to_contain_text("Zeitplan: Januar bis Dezember.")
    check_accessibility(page)

    # A second person decides (four eyes): partly approved.
    second = reviewer()
    login_browser(page, live_server, client, second)
    page.goto(live_server.url + reverse("funding:application_detail", args=[application.pk]))
    page.get_by_role("link", name="Entscheiden").click()
    check_accessibility(page)
    page.get_by_role("radio", name="teilweise bewilligt").check()
    page.get_by_label(re.compile("^Bewilligter Betrag")).fill("8.000,00")
    page.get_by_label(re.compile("^Auflagen")).fill("Zwischenbericht zum 30.06.")
    page.get_by_role("button", name="Entscheidung speichern").click()
    expect(page.get_by_role("status")).to_contain_text("Die Entscheidung ist gespeichert.")
    letter = page.request.get(live_server.url + reverse("funding:letter", args=[application.pk]))
    assert letter.ok and letter.body().startswith(b"%PDF")

    # Payment request by the municipality, released by staff.
    login_browser(page, live_server, client, municipality_user)
    page.goto(live_server.url + reverse("funding:application_detail", args=[application.pk]))
    page.get_by_label(re.compile(r"^Betrag")).fill("3.000,00")
    page.get_by_label("Ausgaben, die der Abruf deckt").fill("Honorare erstes Quartal")
    page.get_by_role("button", name="Mittelabruf stellen").click()
    expect(page.get_by_role("status")).to_contain_text("Der Mittelabruf ist gestellt.")
    check_accessibility(page)
    login_browser(page, live_server, client, asskomm)
    page.goto(live_server.url + reverse("funding:application_detail", args=[application.pk]))
    page.get_by_role("button", name=re.compile("^Auszahlung freigeben")).click()
    expect(page.get_by_role("status")).to_contain_text("Die Auszahlung ist freigegeben.")
    page.goto(live_server.url + reverse("funding:budget", args=[call.pk]))
    row = page.get_by_role("row", name=re.compile(str(call.year)))
    expect(row).to_contain_text("8.000,00")
    expect(row).to_contain_text("3.000,00")
    expect(row).to_contain_text("92.000,00")
    check_accessibility(page)

    # Proof of use: 2.000 € spent of 10.000 € planned, more than 20 % off the plan: a reason is asked for.
    login_browser(page, live_server, client, municipality_user)
    page.goto(live_server.url + reverse("funding:application_detail", args=[application.pk]))
    page.get_by_role("link", name="Verwendungsnachweis einreichen").click()
    check_accessibility(page)
    page.get_by_label("Evaluation").fill("Befragung der Teilnehmenden: Ziele erreicht.")
    page.get_by_label("Schlussfolgerungen und Dokumentation").fill("Fortsetzung im nächsten Jahr.")
    page.get_by_label(re.compile("^Tatsächliche Kosten")).fill("2.000,00")
    page.get_by_role("button", name="Verwendungsnachweis einreichen").click()
    expect(page.locator(".kern-error").first).to_contain_text("Regel »Abweichungen begründen«")
    check_accessibility(page)
    page.get_by_label(re.compile("^Begründung der Abweichung")).fill("Zwei Termine fielen aus.")
    page.get_by_role("button", name="Verwendungsnachweis einreichen").click()
    expect(page.get_by_role("status")).to_contain_text("Der Verwendungsnachweis ist eingereicht.")
    login_browser(page, live_server, client, asskomm)
    page.goto(live_server.url + reverse("funding:application_detail", args=[application.pk]))
    # Proposed: 8.000 granted × 2.000 / 10.000 planned = 1.600; 3.000 were paid → 1.400 claimed back.
    expect(page.get_by_label(re.compile("^Endgültige Förderung"))).to_have_value("1.600,00")
    check_accessibility(page)
    page.get_by_role("button", name="Abschließen").click()
    expect(page.get_by_role("status")).to_contain_text("Rückforderung: 1.400,00 €")
    page.goto(live_server.url + reverse("funding:budget", args=[call.pk]))
    row = page.get_by_role("row", name=re.compile(str(call.year)))
    expect(row).to_contain_text("1.600,00")  # committed
    expect(row).to_contain_text("6.400,00")  # released
    expect(row).to_contain_text("98.400,00")  # available
    application.refresh_from_db()
    assert application.status == Status.PARTLY_APPROVED


def test_the_application_form_works_on_a_phone(phone_page, live_server, client, municipality_user):
    call = _open_call()
    login_browser(phone_page, live_server, client, municipality_user)
    phone_page.goto(live_server.url + reverse("funding:apply", args=[call.pk]))
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Antrag stellen")
    check_accessibility(phone_page)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    from sikom.funding.tests.factories import make_application

    application = make_application(call, submit=False)
    for url in (
        reverse("funding:application_detail", args=[application.pk]),
        reverse("funding:call_detail", args=[call.pk]),
        reverse("funding:applications"),
    ):
        phone_page.goto(live_server.url + url)
        check_accessibility(phone_page)
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (url, width)


def test_staff_pages_and_public_lists(page, live_server, client, asskomm, municipality_user):
    """The call form (refusal at the field, then saved), the public lists, the overview and the withdrawal page."""
    login_browser(page, live_server, client, asskomm)
    page.goto(live_server.url + reverse("funding:calls"))
    page.get_by_role("link", name="Förderaufruf anlegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Förderaufruf anlegen")
    check_accessibility(page)
    page.get_by_label("Titel", exact=True).fill("Förderaufruf 2028")
    page.get_by_label("Förderjahr").fill("2028")
    page.get_by_label("Anträge ab").fill("2027-08-31")
    page.get_by_label("Anträge bis").fill("2027-10-15")
    page.get_by_label("Projekte frühestens ab").fill("2028-01-01")
    page.get_by_label("Projekte spätestens bis").fill("2028-12-31")
    page.get_by_label("Höchster Fördersatz (%)").fill("120")
    page.get_by_label("Mindest-Eigenanteil (%)").fill("10")
    page.get_by_label(re.compile(r"^Grenze für Kleinprojekte")).fill("0")
    page.get_by_label(re.compile(r"^Wert einer Stunde")).fill("0")
    page.get_by_label(re.compile(r"^Abweichung im Verwendungsnachweis")).fill("20")
    page.get_by_label(re.compile("^Quelle der Regeln")).fill("Richtlinie, Fassung und Fundstelle")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#id_max_funding_rate_error")).to_contain_text("0 bis 100")
    check_accessibility(page)
    page.get_by_label("Höchster Fördersatz (%)").fill("90")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("status")).to_contain_text("Der Förderaufruf ist gespeichert.")
    page.goto(live_server.url + reverse("funding:overview"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Förderübersicht")
    check_accessibility(page)
    page.goto(live_server.url + reverse("funding:funded"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Geförderte Projekte")
    check_accessibility(page)

    call = _open_call()
    from sikom.funding.tests.factories import make_application

    application = make_application(call, submit=False)
    login_browser(page, live_server, client, municipality_user)
    page.goto(live_server.url + reverse("funding:application_detail", args=[application.pk]))
    check_accessibility(page)
    page.get_by_role("link", name="Antrag zurückziehen").click()
    check_accessibility(page)
    page.get_by_label("Begründung").fill("Projekt wird nicht durchgeführt.")
    page.get_by_role("button", name="Zurückziehen").click()
    expect(page.get_by_role("status")).to_contain_text("Der Antrag ist zurückgezogen.")


def test_an_overdue_question_is_marked_and_the_review_continues(page, live_server, client, asskomm, municipality_user):
    """The question's deadline has passed: »überfällig« in words for the applicant and the staff (list and page);
    the staff continue without the answer, with a reason."""
    from sikom.funding import services
    from sikom.funding.tests.factories import make_application

    application = make_application(make_call(), by=municipality_user)
    application = services.start_review(application=application, by=asskomm)
    services.ask_query(
        application=application,
        by=asskomm,
        text="Bitte den Zeitplan ergänzen.",
        deadline=timezone.localdate() - timedelta(days=2),
    )
    login_browser(page, live_server, client, municipality_user)
    page.goto(live_server.url + reverse("funding:application_detail", args=[application.pk]))
    expect(page.get_by_text("überfällig")).to_be_visible()
    check_accessibility(page)
    login_browser(page, live_server, client, asskomm)
    page.goto(live_server.url + reverse("funding:applications"))
    expect(page.get_by_role("row", name=re.compile(application.number))).to_contain_text("überfällig")
    check_accessibility(page)
    page.goto(live_server.url + reverse("funding:application_detail", args=[application.pk]))
    check_accessibility(page)
    page.get_by_label("Begründung").fill("Keine Antwort bis zur Frist; die Angaben reichen für die Prüfung.")
    page.get_by_role("button", name="Ohne Antwort weiterprüfen").click()
    expect(page.get_by_role("status")).to_contain_text("Die Prüfung wird ohne Antwort fortgesetzt.")
    expect(page.get_by_text("ohne Antwort fortgesetzt (Begründung im Verlauf)")).to_be_visible()
    check_accessibility(page)
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
