from .audit import AuditEntry
from .base import TimeStampedModel
from .organisations import ContactPerson, Organisation
from .partnerships import Partnership, PartnershipMember, Topic
from .people import Invitation, Membership, Right, Role, User
from .strategy import Indicator, InternationalisationStrategy, StrategyGoal
from .workflow import StatusChange

__all__ = [
    "AuditEntry",
    "ContactPerson",
    "Indicator",
    "InternationalisationStrategy",
    "Invitation",
    "Membership",
    "Organisation",
    "Partnership",
    "PartnershipMember",
    "Right",
    "Role",
    "StatusChange",
    "StrategyGoal",
    "TimeStampedModel",
    "Topic",
    "User",
]
