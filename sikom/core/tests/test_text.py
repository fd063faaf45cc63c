from sikom.core.templatetags.sikom_text import as_lead_in, paragraphs, phone_link


def test_paragraphs_and_lists():
    html = paragraphs("Erster Absatz.\nZweite Zeile.\n\n- Punkt eins\n- Punkt zwei\n\nEnde.")
    assert html == (
        '<p class="kern-body">Erster Absatz.<br>Zweite Zeile.</p>'
        '<ul class="kern-list kern-list--bullet"><li>Punkt eins</li><li>Punkt zwei</li></ul>'
        '<p class="kern-body">Ende.</p>'
    )


def test_a_list_directly_under_a_sentence_is_still_a_list():
    assert paragraphs("Angebote:\n- A\n- B") == (
        '<p class="kern-body">Angebote:</p><ul class="kern-list kern-list--bullet"><li>A</li><li>B</li></ul>'
    )


def test_markup_is_escaped():
    html = paragraphs('<script>alert(1)</script>\n\n- <b onclick="x">fett</b>')
    assert "<script>" not in html and "<b " not in html
    assert "&lt;script&gt;" in html


def test_phone_link_keeps_digits_and_plus():
    assert phone_link("+49 351 855-2223") == "+493518552223"


def test_error_summary_lead_in_keeps_a_question_a_question():
    assert as_lead_in("Was ist passiert?") == "Was ist passiert?"
    assert as_lead_in("E-Mail-Adresse") == "E-Mail-Adresse:"
