"""The answers of a check in progress travel in the form itself, signed, instead of in a session (decision 0039).

An anonymous check writes no row: Django's database session store would write one, so the answers, the page and
the municipality are signed with ``django.core.signing`` (HMAC with SECRET_KEY) and sent back in a hidden field of
every step. They are posted, never put in an address, so they appear in no access log. The signature keeps
forged or damaged tokens out (the answers are checked against the guide version again anyway); the time stamp
lets a token expire after a day.
"""

import re
from dataclasses import dataclass, field

from django.core import signing

SALT = "sikom.selfcheck.state"
MAX_AGE_SECONDS = 24 * 60 * 60
MAX_TOKEN_LENGTH = 20_000
MAX_ANSWERS = 300
KEY = re.compile(r"^[-a-zA-Z0-9_]{1,50}$")
AGS = re.compile(r"^(14\d{6})?$")


class BadState(ValueError):
    """The token is damaged, forged, too old or of the wrong shape."""


@dataclass
class State:
    version: int
    page: int = 0
    answers: dict[str, str] = field(default_factory=dict)
    ags: str = ""


def dumps(state: State) -> str:
    payload = {"v": state.version, "p": state.page, "a": state.answers, "g": state.ags}
    return signing.dumps(payload, salt=SALT, compress=True)


def loads(token: str) -> State:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise BadState("length")
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature as error:  # includes SignatureExpired
        raise BadState("signature") from error
    if not isinstance(payload, dict):
        raise BadState("shape")
    version, page, answers, ags = payload.get("v"), payload.get("p"), payload.get("a"), payload.get("g", "")
    if not (isinstance(version, int) and isinstance(page, int) and 0 <= page < 1000 and isinstance(answers, dict)):
        raise BadState("shape")
    if len(answers) > MAX_ANSWERS or not all(
        isinstance(k, str) and isinstance(v, str) and KEY.match(k) and KEY.match(v) for k, v in answers.items()
    ):
        raise BadState("answers")
    if not (isinstance(ags, str) and AGS.match(ags)):
        raise BadState("place")
    return State(version=version, page=page, answers=dict(answers), ags=ags)
