"""Safety analyses with citizen survey (»Sicherheitsanalyse inkl. Bürgerbefragung«).

Two sides that never meet in the database:

- the *staff and invitation side*: the analysis with its plan, team and status, the questionnaire, and the
  invitations (access codes as keyed hashes, the day a code was used, an encrypted draft while a person answers);
- the *answer side*: `Response` rows that hold the answers and nothing else — no key or column that points to an
  invitation, a code, a person, a time or an address; random 63-bit ids so neither the id nor (on SQLite) the storage
  order follows the order of submission (decision 0029).

Texts of questions, options and sections are JSON maps from a language code to the text (»de« always, »en« and
more as offered), decision 0030.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sikom.core.crypto import EncryptedJSONField, EncryptedTextField

LANGUAGE_CHOICES = [("de", "Deutsch"), ("en", "English")]
DEFAULT_LANGUAGES = ["de", "en"]


def default_languages() -> list[str]:
    return list(DEFAULT_LANGUAGES)


def empty_texts() -> dict[str, str]:
    return {}


def text_in(texts: dict | None, language: str) -> str:
    """The text for a language, falling back to German (the questionnaire's source language)."""
    texts = texts or {}
    return texts.get(language) or texts.get("de") or ""


# The analysis ------------------------------------------------------------------------------------------------------


class AnalysisState(models.TextChoices):
    PLANNED = "planned", _("in Planung")
    RUNNING = "running", _("läuft")
    DONE = "done", _("abgeschlossen")
    CANCELLED = "cancelled", _("abgebrochen")


class SafetyAnalysis(models.Model):
    """One security analysis of a municipality: plan, team, questionnaire, invitations and (separately) answers."""

    municipality = models.ForeignKey(
        "geo.Municipality", on_delete=models.PROTECT, related_name="survey_analyses", verbose_name=_("Gemeinde")
    )
    title = models.CharField(_("Titel"), max_length=200)
    year = models.PositiveSmallIntegerField(_("Jahr"))
    status = models.CharField(_("Stand"), max_length=10, choices=AnalysisState.choices, default=AnalysisState.PLANNED)
    field_start = models.DateField(_("Feldphase von"), null=True, blank=True)
    field_end = models.DateField(_("Feldphase bis"), null=True, blank=True)
    # Language codes the questionnaire is offered in; »de« always comes first.
    languages = models.JSONField(_("Sprachen"), default=default_languages)
    # The optional open link (/umfrage/offen/<token>/): empty when switched off.
    open_token = models.CharField(max_length=64, blank=True, db_index=True)
    # The councils row this analysis drives (decision 0022): set when the analysis starts.
    status_record = models.ForeignKey(
        "councils.SafetyAnalysisStatus", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_demo = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "municipality__name", "-pk"]
        verbose_name = _("Sicherheitsanalyse")
        verbose_name_plural = _("Sicherheitsanalysen")
        constraints = [
            models.CheckConstraint(
                name="survey_field_period_in_order",
                condition=Q(field_start__isnull=True)
                | Q(field_end__isnull=True)
                | Q(field_end__gte=models.F("field_start")),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AnalysisStatusChange(models.Model):
    """Append-only history of the analysis' status."""

    analysis = models.ForeignKey(SafetyAnalysis, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=AnalysisState.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=AnalysisState.choices)
    reason = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class TeamMember(models.Model):
    """A person on the analysis' team: municipal staff of the municipality or the ASSKomm team."""

    analysis = models.ForeignKey(SafetyAnalysis, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_teams")
    task = models.CharField(_("Aufgabe im Team"), max_length=200, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["analysis", "user"], name="survey_team_member_once")]

    def __str__(self) -> str:
        return str(self.user)


class MilestoneKind(models.TextChoices):
    QUESTIONNAIRE = "questionnaire", _("Fragebogen")
    SAMPLE = "sample", _("Stichprobe")
    LETTERS = "letters", _("Anschreiben")
    FIELD = "field", _("Feldphase")
    REMINDERS = "reminders", _("Erinnerungen")
    ANALYSIS = "analysis", _("Auswertung")
    REPORT = "report", _("Bericht")
    PRESENTATION = "presentation", _("Präsentation")


class Milestone(models.Model):
    analysis = models.ForeignKey(SafetyAnalysis, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("Meilenstein"), max_length=20, choices=MilestoneKind.choices)
    position = models.PositiveSmallIntegerField(default=0)
    planned_on = models.DateField(_("geplant am"), null=True, blank=True)
    done_on = models.DateField(_("erledigt am"), null=True, blank=True)
    note = models.CharField(_("Bemerkung"), max_length=300, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["analysis", "kind"], name="survey_milestone_once")]

    def __str__(self) -> str:
        return self.get_kind_display()


# The questionnaire -------------------------------------------------------------------------------------------------


class Questionnaire(models.Model):
    """The questions of one analysis. Editable while the analysis is being planned; fixed once it runs, so every
    answer means what the question said when it was given."""

    analysis = models.OneToOneField(SafetyAnalysis, on_delete=models.CASCADE, related_name="questionnaire")
    intro = models.JSONField(_("Einleitung"), default=empty_texts, blank=True)
    # Which version of the standard item bank it started from (empty: built from scratch).
    bank_version = models.CharField(max_length=20, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.analysis)


class Section(models.Model):
    """A page of the online questionnaire."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.JSONField(_("Überschrift"), default=empty_texts)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return text_in(self.title, "de")


class QuestionType(models.TextChoices):
    SINGLE = "single", _("Einfachauswahl")
    MULTIPLE = "multiple", _("Mehrfachauswahl")
    MATRIX = "matrix", _("Bewertungsmatrix")
    NUMBER = "number", _("Zahl")
    TEXT = "text", _("Freitext")
    PLACE = "place", _("Angstort")


class WeightingRole(models.TextChoices):
    NONE = "", _("keine")
    AGE_GROUP = "age_group", _("Altersgruppe")
    SEX = "sex", _("Geschlecht")
    PART_OF_TOWN = "part_of_town", _("Ortsteil")
    RESIDENCE = "residence", _("Wohndauer")


class Question(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    # The variable name in exports and statistics (e.g. »F01_dunkel_wohngebiet«), unique in the questionnaire.
    code = models.SlugField(_("Variablenname"), max_length=40)
    type = models.CharField(_("Fragetyp"), max_length=10, choices=QuestionType.choices)
    text = models.JSONField(_("Fragetext"), default=empty_texts)
    help = models.JSONField(_("Hinweis"), default=empty_texts, blank=True)
    required = models.BooleanField(_("Pflichtfrage"), default=False)
    # NUMBER: inclusive bounds (integers); TEXT: the longest answer kept.
    min_value = models.IntegerField(_("kleinster Wert"), null=True, blank=True)
    max_value = models.IntegerField(_("größter Wert"), null=True, blank=True)
    max_length = models.PositiveIntegerField(_("höchstens Zeichen"), null=True, blank=True)
    # PLACE: whether a point on the map may be given (besides the named places, which are the options).
    allow_point = models.BooleanField(_("Punkt auf der Karte erlaubt"), default=True)
    weighting_role = models.CharField(
        _("Rolle in der Gewichtung"), max_length=20, choices=WeightingRole.choices, blank=True, default=""
    )
    # The key of the item in the standard bank it came from (empty for custom questions).
    bank_key = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["section__position", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="survey_question_code_unique"),
            models.UniqueConstraint(
                fields=["questionnaire", "weighting_role"],
                condition=~Q(weighting_role=""),
                name="survey_one_question_per_weighting_role",
            ),
            models.CheckConstraint(
                name="survey_number_bounds_in_order",
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(max_value__gte=models.F("min_value")),
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Option(models.Model):
    """A choice of a single or multiple choice question, a scale point (column) of a matrix, a named place."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(default=0)
    # The value stored in answers and exports (»1« … »4«, »w«, …), unique within the question.
    code = models.CharField(_("Wert"), max_length=20)
    label = models.JSONField(_("Beschriftung"), default=empty_texts)
    # »weiß nicht«, »keine Angabe«: counted as missing in the statistics.
    is_missing = models.BooleanField(_("zählt als fehlend"), default=False)
    # MULTIPLE: an option that excludes the others (»nichts davon«).
    exclusive = models.BooleanField(_("schließt andere aus"), default=False)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["question", "code"], name="survey_option_code_unique")]

    def __str__(self) -> str:
        return self.code


class MatrixRow(models.Model):
    """An item (row) of a rating matrix; the options of the question are its columns."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(_("Kürzel"), max_length=20)
    label = models.JSONField(_("Beschriftung"), default=empty_texts)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["question", "code"], name="survey_row_code_unique")]

    def __str__(self) -> str:
        return self.code


class Condition(models.Model):
    """Skip logic as data: `question` is shown only when the answer to the earlier question `source` is one of
    `option_codes` (for a multiple choice: contains one of them). Several conditions on one question must all
    hold. Evaluated on the server (`sikom.surveys.logic`)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="conditions")
    source = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="dependents")
    option_codes = models.JSONField(default=list)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.source_id} in {self.option_codes}"


# The invitation side -----------------------------------------------------------------------------------------------


class InvitationStatus(models.TextChoices):
    UNUSED = "unused", _("nicht begonnen")
    STARTED = "started", _("begonnen")
    SUBMITTED = "submitted", _("abgeschickt")


class InvitationKind(models.TextChoices):
    CODE = "code", _("Zugangscode")
    OPEN = "open", _("offener Link")


class Invitation(models.Model):
    """One access code (or one browser that opened the open link). Knows whether and on which day it was used —
    never which answers came from it: the draft is moved into an anonymous `Response` at submission and deleted in
    the same transaction."""

    analysis = models.ForeignKey(SafetyAnalysis, on_delete=models.CASCADE, related_name="invitations")
    kind = models.CharField(max_length=4, choices=InvitationKind.choices, default=InvitationKind.CODE)
    # »hmac1$<key id>$<hex>«: HMAC-SHA256 of the normalised code (decision 0016's construction, own purpose).
    code_hash = models.CharField(max_length=100, unique=True)
    stratum = models.CharField(_("Schicht"), max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.UNUSED)
    # The day of submission only (monitoring counts by day), never a time.
    used_on = models.DateField(null=True, blank=True)
    letter_sent_on = models.DateField(_("Anschreiben versandt am"), null=True, blank=True)
    reminder_sent_on = models.DateField(_("Erinnerung versandt am"), null=True, blank=True)
    # Save and resume: the answers given so far, encrypted, and the page reached; NULL once submitted.
    draft = EncryptedJSONField(null=True, blank=True)
    draft_language = models.CharField(max_length=8, blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                name="survey_invitation_used_exactly_when_submitted",
                condition=Q(status=InvitationStatus.SUBMITTED, used_on__isnull=False, draft__isnull=True)
                | (~Q(status=InvitationStatus.SUBMITTED) & Q(used_on__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.analysis_id}/{self.pk}"


# The answer side ---------------------------------------------------------------------------------------------------


RANDOM_ID_MAX = 2**63 - 1


def random_id() -> int:
    """A random positive 63-bit id: neither its value nor the storage order it gives follows submission order."""
    return secrets.randbelow(RANDOM_ID_MAX) + 1


class RandomIdField(models.BigIntegerField):
    """A 64-bit primary key filled with `random_id`. On SQLite the column is declared »integer« so that it becomes
    the rowid (only INTEGER PRIMARY KEY aliases it): the table is stored in id order, which is random, and there is
    no hidden rowid counting the insertions."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", random_id)
        kwargs.setdefault("editable", False)
        kwargs["primary_key"] = True
        super().__init__(*args, **kwargs)

    def db_type(self, connection):
        if connection.vendor == "sqlite":
            return "integer"
        return super().db_type(connection)


class ResponseChannel(models.TextChoices):
    ONLINE = "online", _("online mit Zugangscode")
    OPEN = "open", _("online über den offenen Link")
    PAPER = "paper", _("Papierfragebogen")
    IMPORT = "import", _("importiert")


class Response(models.Model):
    """The answers of one respondent, anonymous by construction (decision 0029): no column links it to an
    invitation, a code, a person, a time or an address.

    `answers` maps question codes to values: single choice and named place → option code, multiple choice → list of
    option codes, matrix → {row code: option code}, number → integer, place of fear as a point →
    {"lat": …, "lon": …}. Free texts are kept apart and encrypted (`texts`), as they may name people."""

    id = RandomIdField()
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="responses")
    language = models.CharField(max_length=8, default="de")
    channel = models.CharField(max_length=10, choices=ResponseChannel.choices, default=ResponseChannel.ONLINE)
    completed = models.BooleanField(default=True)
    answers = models.JSONField(default=dict)
    texts = EncryptedJSONField(null=True, blank=True)
    # PostgreSQL keeps rows in insertion order on disk; the housekeeping job rewrites new rows in random order and
    # then sets this (decision 0029). On SQLite the random rowid already gives a random order.
    shuffled = models.BooleanField(default=False)
    is_demo = models.BooleanField(default=False)

    class Meta:
        # Never the (random) id order as a hint of anything; lists sort by what they show.
        ordering = ["id"]
        verbose_name = _("Antwortbogen")
        verbose_name_plural = _("Antwortbögen")

    def __str__(self) -> str:
        return str(self.id)


# Fieldwork: register extract, sample, letters (decision 0032) ------------------------------------------------------


class Sex(models.TextChoices):
    FEMALE = "w", _("weiblich")
    MALE = "m", _("männlich")
    DIVERSE = "d", _("divers")
    UNSTATED = "x", _("ohne Angabe")


AGE_GROUPS = ["16-29", "30-44", "45-64", "65-74", "75+"]  # the codes of the standard item »alter«


class StrataVariable(models.TextChoices):
    PART_OF_TOWN = "part_of_town", _("Ortsteil")
    AGE_GROUP = "age_group", _("Altersgruppe")
    SEX = "sex", _("Geschlecht")


class RegisterExtract(models.Model):
    """The population-register extract of an analysis: who was imported, how the sample was drawn. Its person rows
    are deleted when the field period has ended (`deleted_at`); this row and the `StratumCount`s stay."""

    analysis = models.OneToOneField(SafetyAnalysis, on_delete=models.CASCADE, related_name="register")
    file_name = models.CharField(_("Datei"), max_length=200)
    row_count = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Which strata variables the file carries (part of town is optional).
    variables = models.JSONField(default=list)
    # How the sample was drawn: the strata variables, the seed of random.Random and when.
    strata_by = models.JSONField(default=list)
    seed = models.BigIntegerField(null=True, blank=True)
    drawn_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.file_name


class RegisterPerson(models.Model):
    """One person of the extract. Names and addresses (and the register id) are encrypted; only the strata variables
    are in clear. `position` is the rank by register id: the sample draws in that order, so the same extract, seed
    and sizes give the same sample. `code` keeps the access code (encrypted) for the reminder letter until the
    register is deleted; the invitation it belongs to is never linked to an answer."""

    extract = models.ForeignKey(RegisterExtract, on_delete=models.CASCADE, related_name="persons")
    position = models.PositiveIntegerField()
    personal = EncryptedJSONField()
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    age_group = models.CharField(max_length=10, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    part_of_town = models.CharField(max_length=60, blank=True)
    invitation = models.OneToOneField(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="person"
    )
    code = EncryptedTextField(blank=True, default="")

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["extract", "position"], name="survey_register_position_once")]

    def __str__(self) -> str:
        return f"{self.extract_id}/{self.position}"


class StratumCount(models.Model):
    """Population N_h and sample size n_h of a stratum: what the statistics need (fpc, design weights N_h/n_h).
    Survives the deletion of the register."""

    analysis = models.ForeignKey(SafetyAnalysis, on_delete=models.CASCADE, related_name="stratum_counts")
    stratum = models.CharField(_("Schicht"), max_length=100)
    part_of_town = models.CharField(max_length=60, blank=True)
    age_group = models.CharField(max_length=10, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    population = models.PositiveIntegerField(_("Grundgesamtheit"))
    sample = models.PositiveIntegerField(_("Stichprobe"), default=0)

    class Meta:
        ordering = ["stratum"]
        constraints = [models.UniqueConstraint(fields=["analysis", "stratum"], name="survey_stratum_count_once")]

    def __str__(self) -> str:
        return self.stratum


class LetterSettings(models.Model):
    """What the letters say and show: sender, texts (German, an optional English paragraph), the crest."""

    analysis = models.OneToOneField(SafetyAnalysis, on_delete=models.CASCADE, related_name="letter_settings")
    sender = models.CharField(_("Absender"), max_length=200)
    signature = models.CharField(_("Unterschrift"), max_length=200, blank=True)
    text = models.TextField(_("Text des Anschreibens"))
    reminder_text = models.TextField(_("Text der Erinnerung"))
    text_en = models.TextField(_("Englischer Absatz"), blank=True)
    crest = models.BinaryField(null=True, blank=True)
    crest_type = models.CharField(max_length=20, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.sender


# The report (decision 0034) ----------------------------------------------------------------------------------------


class WeightingSetup(models.Model):
    """Population margins the staff entered for the report's weighting: ``margins`` maps a weighting role
    (»age_group«, »sex«, »part_of_town«, »residence«) to {option code: population}. A role without an entry takes
    its margin from the register's stratum counts where the strata carry it; ``use_design_weights`` switches the
    design weights N_h/n_h of a stratified sample on or off."""

    analysis = models.OneToOneField(SafetyAnalysis, on_delete=models.CASCADE, related_name="weighting")
    margins = models.JSONField(default=dict, blank=True)
    use_design_weights = models.BooleanField(_("Designgewichte der geschichteten Stichprobe verwenden"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.analysis)
