"""The registration workflow as one table. Seats are held in »confirmed« and »offered«; »pending« waits for the
e-mail confirmation of a public registration and holds nothing."""

from django.utils.translation import gettext_lazy as _

from sikom.core.workflow import Workflow
from sikom.events.models import RegistrationStatus as R

REGISTRATIONS = Workflow(
    states=R,
    transitions={
        R.PENDING: frozenset({R.CONFIRMED, R.WAITING, R.CANCELLED, R.EXPIRED}),
        R.WAITING: frozenset({R.WAITING, R.OFFERED, R.CANCELLED, R.EXPIRED}),
        R.OFFERED: frozenset({R.CONFIRMED, R.CANCELLED, R.EXPIRED}),
        R.CONFIRMED: frozenset({R.CANCELLED}),
        R.CANCELLED: frozenset(),
        R.EXPIRED: frozenset(),
    },
    refused=_("Von »%(current)s« kann die Anmeldung nicht auf »%(target)s« gesetzt werden."),
)
