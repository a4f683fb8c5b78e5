from .assessments import AssessmentItem, AssessmentResult, MentorAssessment, SoftSkill, SoftSkillRating
from .checklists import ChecklistItem, ChecklistTemplateItem
from .learners import Learner
from .mobilities import Mobility, MobilityStatusChange
from .reports import LearnerAnswer, LearnerReport, SurveyQuestion

__all__ = [
    "AssessmentItem",
    "AssessmentResult",
    "ChecklistItem",
    "ChecklistTemplateItem",
    "Learner",
    "LearnerAnswer",
    "LearnerReport",
    "MentorAssessment",
    "Mobility",
    "MobilityStatusChange",
    "SoftSkill",
    "SoftSkillRating",
    "SurveyQuestion",
]
