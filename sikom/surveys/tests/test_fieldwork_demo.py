"""The demo fieldwork: fictitious persons marked as demo, a drawn sample and monitoring figures; loading twice adds
nothing."""

import pytest

from sikom.surveys import fieldwork, fieldwork_demo
from sikom.surveys.models import RegisterExtract, RegisterPerson, StratumCount

pytestmark = pytest.mark.django_db


def test_demo_fieldwork_loads_once_with_fictitious_persons():
    lines = fieldwork_demo.load()
    assert lines and "Demo" in lines[0]
    extract = RegisterExtract.objects.get()
    assert extract.is_demo and extract.analysis.is_demo and extract.drawn_at is not None
    names = {person.personal["name"] for person in RegisterPerson.objects.all()}
    assert all(name.startswith("Demo Person ") for name in names) and len(names) == fieldwork_demo.PERSONS
    assert sum(StratumCount.objects.values_list("sample", flat=True)) == fieldwork_demo.SAMPLE
    figures = fieldwork.monitoring(extract.analysis)
    assert figures["overall"].invited == fieldwork_demo.SAMPLE and figures["overall"].submitted > 0
    assert figures["days"]
    assert fieldwork_demo.load() == []
