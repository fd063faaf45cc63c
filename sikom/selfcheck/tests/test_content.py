"""The reference guide invents nothing: no contact details of its own (contacts come from the catalogue and the
organisations), sources only from the named public sites, and every branch points at a real answer."""

import json
import re

from sikom.selfcheck.services import GUIDE_FILE

ALLOWED_SITES = ("https://www.gesetze-im-internet.de/", "https://www.polizei-beratung.de/")


def test_guide_has_no_contact_details_and_only_known_sources():
    text = GUIDE_FILE.read_text(encoding="utf-8")
    assert "@" not in text
    assert not re.search(r"\+?\d[\d /-]{6,}\d", text), "no phone numbers in the guide"
    for url in re.findall(r"https?://[^\s\"]+", text):
        assert url.startswith(ALLOWED_SITES), url


def test_every_branch_and_source_resolves():
    data = json.loads(GUIDE_FILE.read_text(encoding="utf-8"))
    seen = set()
    for topic in data["topics"]:
        for question in topic["questions"]:
            assert question["source"] in data["sources"]
            if "opened_by" in question:
                assert question["opened_by"] in seen, question["key"]
            for choice in question["choices"]:
                seen.add(f"{question['key']}:{choice['key']}")
                for advice in choice.get("advice", []):
                    assert advice["urgency"] in (1, 2, 3)
                    assert advice.get("source", question["source"]) in data["sources"]


def test_saved_list_needs_constant_queries(client, official, django_assert_max_num_queries):
    from sikom import testing
    from sikom.selfcheck import selectors, services
    from sikom.selfcheck.state import State

    version = selectors.current_version()
    for _ in range(5):
        services.save_check(user=official, state=State(version=version.number))
    testing.login(client, official)
    with django_assert_max_num_queries(8):
        assert client.get("/selbstcheck/gespeichert/").status_code == 200
