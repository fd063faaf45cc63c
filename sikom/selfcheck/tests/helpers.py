"""Walking the check the way a browser does: every step POSTs the signed state and the answers of its page."""

from django.urls import reverse

from sikom.selfcheck.forms import FIELD_PREFIX

CHECK = "/selbstcheck/fragen/"
ALL_WELL = {
    "auskunftssperre": "ja",
    "sperre_ablauf": "ja",
    "anschrift_oeffentlich": "nein",
    "sicherung": "ja",
    "familie": "ja",
    "vorfall_zuhause": "nein",
    "routine": "nein",
    "termine_oeffentlich": "nein",
    "absprache": "immer",
    "training": "ja",
    "zugang": "ja",
    "notfall": "ja",
    "impressum": "nein",
    "privatsphaere": "ja",
    "hass": "nein",
    "protokoll": "ja",
    "anzeige": "immer",
}


def walk(client, answers: dict[str, str], *, gemeinde: str | None = "Pirna", max_pages: int = 40):
    """Answer every page (questions not in ``answers`` get their first choice) and return the result response."""
    assert reverse("selfcheck:check") == CHECK
    response = client.post(CHECK)
    for _ in range(max_pages):
        assert response.status_code == 200, response.content.decode()[:2000]
        names = [t.name for t in response.templates]
        token = response.context["token"]
        if "selfcheck/result.html" in names:
            return response
        if "selfcheck/place.html" in names:
            if gemeinde is None:
                response = client.post(CHECK, {"zustand": token, "aktion": "ohne_ort"})
            else:
                response = client.post(CHECK, {"zustand": token, "aktion": "weiter", "gemeinde": gemeinde})
            continue
        form = response.context["form"]
        data = {"zustand": token, "aktion": "weiter"}
        for question in form.questions:
            choices = list(response.context["guide"].choices[question.key])
            data[FIELD_PREFIX + question.key] = answers.get(question.key, choices[0])
        response = client.post(CHECK, data)
    raise AssertionError("the check did not end")
