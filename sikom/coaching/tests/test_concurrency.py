import threading

import pytest
from django.db import connection

from sikom import testing
from sikom.coaching import services
from sikom.coaching.models import StepRevision, StrategyStep


@pytest.mark.django_db(transaction=True)
def test_concurrent_edits_of_one_step_never_lose_an_update(asskomm, municipality_user):
    """Two people save the same version at the same moment: one is saved, the other is refused (and sees the newer
    text); never are both accepted with the second silently overwriting the first."""
    if connection.vendor == "sqlite" and "memory" in connection.settings_dict["NAME"]:
        pytest.skip("in-memory SQLite is one connection; PostgreSQL runs this test with real concurrency")
    coaching = testing.make_coaching()
    step = coaching.steps.get(number=1)
    results = []
    barrier = threading.Barrier(2)

    def save(user, text):
        try:
            barrier.wait()
            services.update_step(
                step=step, by=user, expected_version=1, text=text, status="in_progress", started=None, finished=None
            )
            results.append(text)
        except services.StepConflict:
            results.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(asskomm, "Fassung A")),
        threading.Thread(target=save, args=(municipality_user, "Fassung B")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=lambda r: r == "refused")[1] == "refused" and results.count("refused") == 1
    saved = next(text for text in results if text != "refused")
    current = StrategyStep.objects.get(pk=step.pk)
    assert (current.text, current.version) == (saved, 2)
    assert StepRevision.objects.filter(step=step, version=2).count() == 1
