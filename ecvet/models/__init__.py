from .agreements import LearningAgreement, LearningAgreementUnit, LearningAgreementVersion
from .approvals import Approval
from .catalogue import Qualification, Unit
from .memoranda import Memorandum, MemorandumParty, MemorandumUnit
from .results import EuropassMobility, Transcript, TranscriptEntry, TranscriptUnit

__all__ = [
    "EuropassMobility",
    "Transcript",
    "TranscriptEntry",
    "TranscriptUnit",
    "Approval",
    "LearningAgreement",
    "LearningAgreementUnit",
    "LearningAgreementVersion",
    "Memorandum",
    "MemorandumParty",
    "MemorandumUnit",
    "Qualification",
    "Unit",
]
