"""The words the catalogue and the Wegweiser share: who is asking and what they need.

The codes are stored on offers and appear in shareable Wegweiser URLs, so they are stable ASCII identifiers;
the German labels come from gettext.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    OFFICIAL = "official", _("Amts- oder Mandatsträger:in, Kandidat:in")
    RELATIVE = "relative", _("Angehörige:r")
    MUNICIPAL_STAFF = "municipal_staff", _("Beschäftigte:r einer Kommune")
    CITIZEN = "citizen", _("Bürger:in")


class Situation(models.TextChoices):
    THREAT = "threat", _("Bedrohung")
    INSULT = "insult", _("Beleidigung oder Verleumdung")
    ONLINE_HATE = "online_hate", _("Hass im Netz")
    ATTACK = "attack", _("Körperlicher Angriff")
    PRIVATE_SPHERE = "private_sphere", _("Aufsuchen der Privatsphäre")
    DATA_PUBLISHED = "data_published", _("Veröffentlichung persönlicher Daten oder »Feindesliste«")
    EXTREMIST_EVENT = "extremist_event", _("Geplante extremistische Versammlung, Veranstaltung oder Immobiliennutzung")
    PREVENTION_WORK = "prevention_work", _("Präventionsarbeit in meiner Kommune")
    FUNDING = "funding", _("Förderung")
    TRAINING = "training", _("Schulung oder Training")


class RegionalContact(models.TextChoices):
    """Offers delivered by a regional office: the Wegweiser resolves the office for the user's district."""

    NONE = "", _("Keine regionale Stelle")
    POLICE_DIRECTORATE = "police_directorate", _("Zuständige Polizeidirektion")
    EXPERT_NETWORK = "expert_network", _("Regionale Koordination des Expertennetzwerks")
