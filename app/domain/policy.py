"""Who may do what: the one table of permissions.

People with an account have a role; a participant has no account and acts only through their
invite link. Which organisation's data someone may reach is a separate rule (membership,
checked in app/web/deps.py); this table says what they may do with what they can reach.

Adding an action is one line in `Action`: its description and the roles allowed to take it.
"""

from __future__ import annotations

from enum import Enum, StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # runs the instance; sees every organisation
    CONSULTANT = "consultant"  # creates organisations and assessments, invites, sees results
    VIEWER = "viewer"  # a client lead: reads results and reports of their organisations


PARTICIPANT = "participant"  # someone answering through an invite link, with no account
EVERYONE = (PARTICIPANT, *Role)  # every kind of actor, for listing the whole table

_ADMINS = frozenset({Role.ADMIN})
_CONSULTANTS = frozenset({Role.ADMIN, Role.CONSULTANT})
_READERS = frozenset({Role.ADMIN, Role.CONSULTANT, Role.VIEWER})
_PARTICIPANTS = frozenset({PARTICIPANT})


class Action(Enum):
    """Each action, as (what it covers, who may take it)."""

    READ_ASSESSMENTS = ("read organisations, assessments, results and reports", _READERS)
    # Raw answers carry names: a viewer (the client) sees results only as the anonymity
    # threshold allows, never who answered what.
    EXPORT_ANSWERS = ("export raw answers with names (CSV, Excel, JSON)", _CONSULTANTS)
    # Results that also count answers in progress, set beside those of the submitted answers,
    # give away the in-progress people's answers (one person's, when one is in progress).
    SEE_ANSWERS_IN_PROGRESS = (
        "see results that count answers still in progress beside the submitted ones",
        _CONSULTANTS,
    )
    MANAGE_OWN_TOKENS = ("create and revoke one's own API tokens", _READERS)
    CREATE_ORGANISATIONS = ("create organisations", _CONSULTANTS)
    MANAGE_MEMBERS = ("add and remove an organisation's members", _CONSULTANTS)
    READ_AUDIT_LOG = ("read an organisation's audit log", _CONSULTANTS)
    MANAGE_ASSESSMENTS = (
        "create and import assessments, open, close and reopen them",
        _CONSULTANTS,
    )
    EDIT_ASSESSMENTS = (
        "edit an assessment's title, purpose, target date and email texts",
        _CONSULTANTS,
    )
    MANAGE_ORGANISATIONS = ("rename and archive organisations", _CONSULTANTS)
    MANAGE_PARTICIPANTS = (
        "add and edit participants, send and revoke their links, unlock answers",
        _CONSULTANTS,
    )
    REMIND_PARTICIPANTS = ("remind participants who have not submitted", _CONSULTANTS)
    REMOVE_PARTICIPANTS = ("remove participants and their answers", _CONSULTANTS)
    EDIT_ROADMAP = ("draft and edit the roadmap and the importance of areas", _CONSULTANTS)
    RUN_WORKSHOPS = (
        "start, present and end live workshops, confirm who joined, record what was agreed",
        _CONSULTANTS,
    )
    WRITE_NARRATIVE = ("write the report's narrative, key messages, recommendations", _CONSULTANTS)
    SET_CLIENT_LOGO = ("upload and remove an organisation's logo", _CONSULTANTS)
    UPLOAD_FRAMEWORKS = ("upload framework files (shared by the whole instance)", _CONSULTANTS)
    UPGRADE_ASSESSMENTS = ("move an assessment to a newer version of its framework", _CONSULTANTS)
    RETIRE_FRAMEWORK_VERSIONS = ("retire a framework version for new assessments", _ADMINS)
    BRAND_INSTANCE = ("set the consultancy's name, accent colour and logo", _ADMINS)
    SEE_EVERY_ORGANISATION = ("see every organisation without being a member", _ADMINS)
    ADMINISTER = ("manage users and their sessions, read the instance's audit log", _ADMINS)
    ANSWER = ("answer their own questionnaire", _PARTICIPANTS)
    VOTE = ("vote in their assessment's live workshop", _PARTICIPANTS)

    def __init__(self, description: str, allowed: frozenset[str]) -> None:
        self.description = description
        self.allowed = allowed


def can(who: str, action: Action) -> bool:
    """Whether a role (or PARTICIPANT) may take the action."""
    if not isinstance(action, Action):
        raise TypeError(f"not an Action: {action!r}")  # a typo in a template must not pass
    return who in action.allowed
