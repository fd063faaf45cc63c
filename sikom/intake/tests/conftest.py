import pytest


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    """Every reports test writes its encrypted evidence into its own temporary folder."""
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT
