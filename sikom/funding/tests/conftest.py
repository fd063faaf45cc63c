"""The personas as a request gives them to the selectors: second factor passed in this session (the OTP middleware
sets `is_verified`; outside a request the selectors' tests need it too)."""

import pytest


def _verified(user):
    user.is_verified = lambda: True
    return user


@pytest.fixture
def asskomm(asskomm):
    return _verified(asskomm)


@pytest.fixture
def municipality_user(municipality_user):
    return _verified(municipality_user)


@pytest.fixture
def zastex(zastex):
    return _verified(zastex)


@pytest.fixture
def zmi(zmi):
    return _verified(zmi)


@pytest.fixture
def pd_dresden(pd_dresden):
    return _verified(pd_dresden)


@pytest.fixture
def expert_network(expert_network):
    return _verified(expert_network)


@pytest.fixture
def operator(operator):
    return _verified(operator)


@pytest.fixture
def outsider(outsider):
    return _verified(outsider)


@pytest.fixture
def official(official):
    return _verified(official)
