"""CI's two jobs share the browser tests (decision 0048): each share keeps every n-th browser test by id, the shares
together keep each browser test once, and the other tests stay with the job that runs the whole suite."""

import pytest

from sikom import browser_testing


class _Item:
    def __init__(self, nodeid: str, browser: bool):
        self.nodeid, self._browser = nodeid, browser

    def get_closest_marker(self, name):
        return object() if name == "browser" and self._browser else None


class _Config:
    def __init__(self):
        self.deselected = []

        class Hook:
            @staticmethod
            def pytest_deselected(items):
                self.deselected.extend(items)

        self.hook = Hook()


def _items():
    return [_Item(f"t{n:02d}", browser=n % 3 == 0) for n in range(30)]


def _kept(monkeypatch, **variables) -> list[str]:
    for name in ("SIKOM_BROWSER_SHARD", "SIKOM_BROWSER_ONLY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    items = _items()
    browser_testing._select(_Config(), items)
    return [item.nodeid for item in items]


def test_without_settings_every_test_is_kept(monkeypatch):
    assert len(_kept(monkeypatch)) == 30


def test_the_two_shares_keep_each_browser_test_once_and_the_rest_stays_with_the_first(monkeypatch):
    browser = {f"t{n:02d}" for n in range(0, 30, 3)}
    first = _kept(monkeypatch, SIKOM_BROWSER_SHARD="1/2")
    second = _kept(monkeypatch, SIKOM_BROWSER_SHARD="2/2", SIKOM_BROWSER_ONLY="true")
    assert set(first) - browser == {f"t{n:02d}" for n in range(30)} - browser
    assert set(first) & browser and set(second) <= browser
    assert sorted((set(first) & browser) | set(second)) == sorted(browser)
    assert not (set(first) & set(second))
    assert abs(len(set(first) & browser) - len(second)) <= 1


@pytest.mark.parametrize("value", ["3/2", "0/2", "halb", "1/0"])
def test_a_bad_share_stops_the_run_with_a_message(monkeypatch, value):
    monkeypatch.setenv("SIKOM_BROWSER_SHARD", value)
    with pytest.raises(pytest.UsageError):
        browser_testing._select(_Config(), _items())
