"""The answers of the incident report. Codes are stored and used by routing rules; labels come from gettext."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AffectedRole(models.TextChoices):
    MAYOR = "mayor", _("Bürgermeister:in")
    LORD_MAYOR = "lord_mayor", _("Oberbürgermeister:in")
    DISTRICT_ADMINISTRATOR = "district_administrator", _("Landrat / Landrätin")
    DEPUTY = "deputy", _("Beigeordnete:r")
    COUNCIL_MEMBER = "council_member", _("Mitglied eines Gemeinderats, Stadtrats, Kreistags oder Ortschaftsrats")
    CANDIDATE = "candidate", _("Kandidat:in für ein kommunales Amt oder Mandat")
    MUNICIPAL_EMPLOYEE = "municipal_employee", _("Beschäftigte:r einer Kommune")
    RELATIVE = "relative", _("Angehörige:r einer dieser Personen")


class Category(models.TextChoices):
    INSULT = "insult", _("Beleidigung oder Verleumdung")
    THREAT = "threat", _("Bedrohung")
    COERCION = "coercion", _("Nötigung")
    PROPERTY_DAMAGE = "property_damage", _("Sachbeschädigung")
    PHYSICAL_ATTACK = "physical_attack", _("Körperlicher Angriff")
    ONLINE_HATE = "online_hate", _("Hass im Netz")
    PRIVATE_SPHERE = "private_sphere", _("Aufsuchen der Privatsphäre (zum Beispiel vor der Wohnung)")
    DATA_PUBLISHED = "data_published", _("Veröffentlichung persönlicher Daten oder »Feindesliste«")
    OTHER = "other", _("Etwas anderes")


# Each category's bit in the inbox's category set (`InboxEntry.categories`). Stored values: a code keeps its bit for
# good, a new code takes the next free one (`manage.py rebuild_inbox` recomputes every stored set).
CATEGORY_BITS = {
    Category.INSULT: 1 << 0,
    Category.THREAT: 1 << 1,
    Category.COERCION: 1 << 2,
    Category.PROPERTY_DAMAGE: 1 << 3,
    Category.PHYSICAL_ATTACK: 1 << 4,
    Category.ONLINE_HATE: 1 << 5,
    Category.PRIVATE_SPHERE: 1 << 6,
    Category.DATA_PUBLISHED: 1 << 7,
    Category.OTHER: 1 << 8,
}

# Offences that are prosecuted only on a complaint filed within three months (§ 77b StGB).
COMPLAINT_DEADLINE_CATEGORIES = {Category.INSULT}


class Place(models.TextChoices):
    OFFICE = "office", _("Im Amt oder Büro")
    SESSION = "session", _("In einer Ratssitzung oder öffentlichen Veranstaltung")
    HOME = "home", _("Zu Hause oder im privaten Umfeld")
    STREET = "street", _("Auf der Straße, im öffentlichen Raum")
    ONLINE = "online", _("Im Internet")


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("Persönlich")
    LETTER = "letter", _("Brief")
    EMAIL = "email", _("E-Mail")
    PHONE = "phone", _("Telefon")
    SOCIAL_NETWORK = "social_network", _("Soziales Netzwerk")
    MESSENGER = "messenger", _("Messenger")
    OTHER = "other", _("Anderer Weg")


class Repetition(models.TextChoices):
    ONCE = "once", _("Einmalig")
    REPEATED = "repeated", _("Wiederholt")


class Perpetrator(models.TextChoices):
    KNOWN = "known", _("Bekannt (ich weiß, wer es war)")
    UNKNOWN = "unknown", _("Unbekannt")
    GROUP = "group", _("Eine Gruppe")


class Motive(models.TextChoices):
    RIGHT_WING = "right_wing", _("Rechtsextremistisch")
    LEFT_WING = "left_wing", _("Linksextremistisch")
    RELIGIOUS = "religious", _("Religiös motiviert")
    REICHSBUERGER = "reichsbuerger", _("»Reichsbürger« oder »Selbstverwalter«")
    FOREIGN_IDEOLOGY = "foreign_ideology", _("Ausländische Ideologie")
    NONE = "none", _("Kein Motiv erkennbar")


class ContactPreference(models.TextChoices):
    EMAIL = "email", _("E-Mail")
    PHONE = "phone", _("Telefon")
    PLATFORM = "platform", _("Nur über diese Plattform")


class ComplaintWish(models.TextChoices):
    YES = "yes", _("Ja, ich möchte Anzeige erstatten")
    NO = "no", _("Nein")
    UNDECIDED = "undecided", _("Ich weiß es noch nicht, ich möchte beraten werden")


class ReceiptSection(models.TextChoices):
    PERSON = "person", _("Angaben zur betroffenen Person")
    INCIDENT = "incident", _("Angaben zum Vorfall")
    ONLINE = "online", _("Online-Inhalte")
    CONTACT = "contact", _("Kontakt und Anzeige")
