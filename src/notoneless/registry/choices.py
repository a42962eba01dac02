"""Closed vocabularies of the registers. Labels are the Chinese terms the registers use."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    PRESCHOOL = "preschool", _("Preschool")
    PRIMARY = "primary", _("Primary")
    JUNIOR = "junior", _("Junior secondary")
    SENIOR = "senior", _("Senior high")
    VOCATIONAL = "vocational", _("Vocational")
    UNIVERSITY = "university", _("University")


class SchoolType(models.TextChoices):
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior secondary school")
    NINE_YEAR = "nine_year", _("Nine-year school")
    COMPLETE_SECONDARY = "complete_secondary", _("Complete secondary school")
    SENIOR = "senior", _("Senior high school")
    VOCATIONAL = "vocational", _("Vocational school")
    SPECIAL = "special", _("Special education school")
    TEACHING_POINT = "teaching_point", _("Teaching point")


class Locality(models.TextChoices):
    URBAN = "urban", _("Urban")
    TOWN = "town", _("Town")
    RURAL = "rural", _("Rural")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    UNKNOWN = "", _("Unknown")


class HukouType(models.TextChoices):
    RURAL = "rural", _("Rural")
    URBAN = "urban", _("Urban")
    UNKNOWN = "", _("Unknown")


class PovertyStatus(models.TextChoices):
    NONE = "none", _("Not registered")
    REGISTERED = "registered", _("Registered poor")
    EXITED = "exited", _("Exited poverty")


class Dibao(models.TextChoices):
    NONE = "none", _("None")
    RURAL = "rural", _("Rural minimum-living allowance")
    URBAN = "urban", _("Urban minimum-living allowance")


class HardshipGrade(models.TextChoices):
    NONE = "", _("Not identified")
    SPECIAL = "special", _("Especially difficult")
    DIFFICULT = "difficult", _("Difficult")
    GENERAL = "general", _("Generally difficult")


class EnrollmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    HOME_TAUGHT = "home_taught", _("Home-delivered teaching")
    TRANSFERRED = "transferred", _("Transferred out")
    SUSPENDED = "suspended", _("Suspended")
    DEFERRED = "deferred", _("Deferred (health)")
    EXEMPTED = "exempted", _("Exempted (health)")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    GRADUATED = "graduated", _("Graduated")


class AssistanceCategory(models.TextChoices):
    DIBAO_RURAL = "dibao_rural", _("Rural minimum-living allowance")
    DIBAO_URBAN = "dibao_urban", _("Urban minimum-living allowance")
    TEKUN = "tekun", _("Extreme-poverty support")
    ORPHAN = "orphan", _("Orphan")


class HardshipCategory(models.TextChoices):
    """The groups a national system's hardship list names a student for."""

    REGISTERED_POOR = "registered_poor", _("Registered-poor household")
    DIBAO = "dibao", _("Minimum-living allowance")
    TEKUN = "tekun", _("Extreme-poverty support")
    ORPHAN = "orphan", _("Orphan")
    DISABLED = "disabled", _("Disabled")
    IN_DISTRESS = "in_distress", _("Child in distress")
    OTHER = "other", _("Other hardship")


class DisabilityType(models.TextChoices):
    VISUAL = "visual", _("Visual")
    HEARING = "hearing", _("Hearing")
    SPEECH = "speech", _("Speech")
    PHYSICAL = "physical", _("Physical")
    INTELLECTUAL = "intellectual", _("Intellectual")
    MENTAL = "mental", _("Mental")
    MULTIPLE = "multiple", _("Multiple")


class AccountHolder(models.TextChoices):
    STUDENT = "student", _("Student")
    GUARDIAN = "guardian", _("Guardian")
    SOCIAL_SECURITY = "social_security", _("Family social-security card")


class AbsenceStatus(models.TextChoices):
    SICK = "sick", _("Sick leave")
    PERSONAL = "personal", _("Personal leave")
    UNEXCUSED = "unexcused", _("Unexcused")


class IdStatus(models.TextChoices):
    OK = "ok", _("Valid")
    WARNING = "warning", _("Valid with warning")
    INVALID = "invalid", _("Invalid (kept as given)")
    MISSING = "missing", _("Missing")
