from .agreements import LearningAgreement, LearningAgreementUnit, LearningAgreementVersion
from .approvals import Approval
from .catalogue import Qualification, Unit
from .grants import GrantAgreement, GrantPayment
from .memoranda import Memorandum, MemorandumParty, MemorandumUnit
from .results import EuropassMobility, Transcript, TranscriptEntry, TranscriptUnit

__all__ = [
    "EuropassMobility",
    "Transcript",
    "TranscriptEntry",
    "TranscriptUnit",
    "Approval",
    "GrantAgreement",
    "GrantPayment",
    "LearningAgreement",
    "LearningAgreementUnit",
    "LearningAgreementVersion",
    "Memorandum",
    "MemorandumParty",
    "MemorandumUnit",
    "Qualification",
    "Unit",
]
