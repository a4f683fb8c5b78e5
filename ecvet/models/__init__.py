from .agreements import LearningAgreement, LearningAgreementUnit, LearningAgreementVersion
from .approvals import Approval
from .catalogue import Qualification, Unit
from .memoranda import Memorandum, MemorandumParty, MemorandumUnit

__all__ = [
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
