"""Every write of the self-check: the reference guide's loader, publishing and copying versions, saved checks."""

import json
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from sikom.core import audit
from sikom.selfcheck.models import Advice, Choice, GuideVersion, Question, SavedCheck, Topic
from sikom.selfcheck.state import State

GUIDE_FILE = Path(__file__).resolve().parent / "data" / "guide.json"


class Refused(Exception):
    """A write that is not allowed; the message is German and meant for the page."""


def load_guide(*, data_file: Path = GUIDE_FILE) -> dict[str, int]:
    """Create and publish version 1 from the reference file when there is no version yet.

    Never touches existing versions, so the operators' versions survive every run (idempotent)."""
    if GuideVersion.objects.exists():
        return {"selfcheck_versions_created": 0}
    data = json.loads(data_file.read_text(encoding="utf-8"))
    with transaction.atomic():
        version = GuideVersion.objects.create(number=1, note=data.get("note", ""))
        choices: dict[tuple[str, str], Choice] = {}
        for t_order, topic_data in enumerate(data["topics"]):
            topic = Topic.objects.create(
                version=version,
                key=topic_data["key"],
                title=topic_data["title"],
                intro=topic_data.get("intro", ""),
                order=t_order,
            )
            for q_order, q in enumerate(topic_data["questions"]):
                opener = None
                if "opened_by" in q:
                    parent, choice_key = q["opened_by"].split(":")
                    opener = choices[(parent, choice_key)]
                question = Question.objects.create(
                    version=version,
                    topic=topic,
                    key=q["key"],
                    text=q["text"],
                    help=q.get("help", ""),
                    source=data["sources"][q["source"]]["name"],
                    source_url=data["sources"][q["source"]].get("url", ""),
                    opened_by=opener,
                    order=q_order,
                )
                for c_order, c in enumerate(q["choices"]):
                    choice = Choice.objects.create(question=question, key=c["key"], label=c["label"], order=c_order)
                    choices[(question.key, choice.key)] = choice
                    for a_order, a in enumerate(c.get("advice", [])):
                        source = data["sources"][a.get("source", q["source"])]
                        Advice.objects.create(
                            choice=choice,
                            title=a["title"],
                            text=a["text"],
                            urgency=a["urgency"],
                            source=source["name"],
                            source_url=source.get("url", ""),
                            situations=" ".join(a.get("situations", [])),
                            prepares_letter=a.get("letter", False),
                            order=a_order,
                        )
        GuideVersion.objects.filter(pk=version.pk).update(published_at=timezone.now())
    return {"selfcheck_versions_created": 1}


def publish_version(*, version: GuideVersion, by) -> GuideVersion:
    with transaction.atomic():
        version = GuideVersion.objects.select_for_update().get(pk=version.pk)
        if version.is_published:
            raise Refused("Diese Version ist bereits veröffentlicht.")
        if not Question.objects.filter(version=version).exists():
            raise Refused("Eine Version ohne Fragen kann nicht veröffentlicht werden.")
        version.published_at = timezone.now()
        version.save(update_fields=["published_at"])
        audit.log("selfcheck.version_published", actor=by, obj=version, data={"number": version.number})
    return version


def copy_version(*, version: GuideVersion, by) -> GuideVersion:
    """A new draft with everything of ``version``: the way to change a published guide."""
    with transaction.atomic():
        number = (GuideVersion.objects.select_for_update().aggregate(top=Max("number"))["top"] or 0) + 1
        draft = GuideVersion.objects.create(number=number, note="")
        topics = {}
        for topic in Topic.objects.filter(version=version):
            topics[topic.pk] = Topic.objects.create(
                version=draft, key=topic.key, title=topic.title, intro=topic.intro, order=topic.order
            )
        questions, choices = {}, {}
        originals = list(Question.objects.filter(version=version).order_by("pk"))
        for question in originals:
            questions[question.pk] = Question.objects.create(
                version=draft,
                topic=topics[question.topic_id],
                key=question.key,
                text=question.text,
                help=question.help,
                source=question.source,
                source_url=question.source_url,
                order=question.order,
            )
        for choice in Choice.objects.filter(question__version=version):
            choices[choice.pk] = Choice.objects.create(
                question=questions[choice.question_id], key=choice.key, label=choice.label, order=choice.order
            )
        for question in originals:
            if question.opened_by_id:
                Question.objects.filter(pk=questions[question.pk].pk).update(opened_by=choices[question.opened_by_id])
        for advice in Advice.objects.filter(choice__question__version=version):
            Advice.objects.create(
                choice=choices[advice.choice_id],
                title=advice.title,
                text=advice.text,
                urgency=advice.urgency,
                source=advice.source,
                source_url=advice.source_url,
                situations=advice.situations,
                prepares_letter=advice.prepares_letter,
                order=advice.order,
            )
        audit.log("selfcheck.version_copied", actor=by, obj=draft, data={"from": version.number})
    return draft


def save_check(*, user, state: State) -> SavedCheck:
    """On the person's request only; the audit entry names no answer."""
    with transaction.atomic():
        version = GuideVersion.objects.get(number=state.version, published_at__isnull=False)
        saved = SavedCheck.objects.create(
            user=user, version=version, content={"answers": state.answers, "ags": state.ags}
        )
        audit.log("selfcheck.saved", actor=user, obj=saved, data={})
    return saved


def delete_check(*, saved: SavedCheck, by) -> None:
    with transaction.atomic():
        audit.log("selfcheck.deleted", actor=by, obj=saved, data={})
        saved.delete()
