import pytest
from django.core.management import call_command
from django.db import connections

from sikom import testing
from sikom.accounts.models import OrganisationType
from sikom.geo.models import Municipality

pytest_plugins = ["sikom.browser_testing"]

DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Saxony's reference data, the programme's offices and the catalogue, committed once for the whole run."""
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)
    yield
    # The audit alias is a second connection to the test database; left open, PostgreSQL refuses to drop it.
    connections.close_all()


@pytest.fixture(autouse=True)
def reference_data(request, django_db_blocker):
    """Transactional tests (browser tests) flush every table afterwards; the next one loads the data again."""
    if not _uses_db(request):
        return
    request.getfixturevalue("transactional_db" if _is_transactional(request) else "db")
    if not Municipality.objects.exists():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture(autouse=True)
def _inbox_entries_in_step(request, reference_data):
    """After every test that touched the database, the derived inbox rows must equal a fresh recomputation: a write
    path that forgets `refresh_inbox_entries` fails whichever test takes it."""
    yield
    if not _uses_db(request):
        return
    testing.assert_inbox_entries_in_step()


def _uses_db(request) -> bool:
    return request.node.get_closest_marker("django_db") is not None or bool(DB_FIXTURES & set(request.fixturenames))


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return "transactional_db" in request.fixturenames or "live_server" in request.fixturenames


@pytest.fixture(autouse=True)
def _audit_in_the_test_transaction(settings):
    # Tests roll back; an audit entry committed through the second connection would outlive its test.
    # test_audit.py switches it on to show that entries survive a failed transaction.
    settings.AUDIT_OUTSIDE_TRANSACTIONS = False


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hashing strength is not under test here; PBKDF2's deliberate slowness would dominate the suite's run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Personas: one per role, built with the factories.


@pytest.fixture
def official(db):
    return testing.make_user(full_name="Bürgermeisterin Beispiel")


@pytest.fixture
def municipality_user(db):
    return testing.make_user(organisation=testing.municipality_organisation())


@pytest.fixture
def asskomm(db):
    return testing.make_user(organisation=testing.organisation_of(OrganisationType.ASSKOMM))


@pytest.fixture
def zastex(db):
    return testing.make_user(organisation=testing.organisation_of(OrganisationType.ZASTEX))


@pytest.fixture
def zmi(db):
    return testing.make_user(organisation=testing.organisation_of(OrganisationType.ZMI))


@pytest.fixture
def pd_dresden(db):
    return testing.directorate_member("14612")


@pytest.fixture
def pd_dresden_supervisor(db):
    """Leitung at Polizeidirektion Dresden: reads the audit log of the directorate's cases."""
    return testing.directorate_member("14612", is_supervisor=True)


@pytest.fixture
def expert_network(db):
    return testing.make_user(organisation=testing.expert_network_of("14628"))


@pytest.fixture
def operator(db):
    return testing.make_user(
        organisation=testing.organisation_of(OrganisationType.OPERATOR), is_staff=True, is_superuser=True
    )


@pytest.fixture
def outsider(db):
    """A logged-in person with an account but no role in the programme."""
    return testing.make_user(full_name="Außenstehende Person")


@pytest.fixture
def staff_personas(
    municipality_user, asskomm, zastex, zmi, pd_dresden, pd_dresden_supervisor, expert_network, operator
):
    return {
        "municipality_user": municipality_user,
        "asskomm": asskomm,
        "zastex": zastex,
        "zmi": zmi,
        "pd_dresden": pd_dresden,
        "pd_dresden_supervisor": pd_dresden_supervisor,
        "expert_network": expert_network,
        "operator": operator,
    }
