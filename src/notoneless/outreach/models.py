"""Publicity (宣传, 精准宣传): campaigns and the materials they hand out, home visits to registered-poor
households with the awareness survey answered on the visit, and the household policy card's way from
the printer to the family's signature."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class Campaign(models.Model):
    """A publicity event: a policy briefing, door-to-door publicity, a school session, a broadcast."""

    class Kind(models.TextChoices):
        BRIEFING = "briefing", _("Policy briefing")  # 政策宣讲会
        DOOR_TO_DOOR = "door_to_door", _("Door-to-door publicity")  # 入户宣传
        SCHOOL = "school", _("School publicity")  # 校园宣传
        MEDIA = "media", _("Broadcast and new media")  # 广播/新媒体

    term = models.ForeignKey("registry.Term", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    township = models.ForeignKey(
        "registry.Division", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        "registry.Division", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    audience = models.PositiveIntegerField(_("people reached"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["term", "township"])]

    def __str__(self) -> str:
        return self.title

    @property
    def where(self) -> str:
        parts = [d.name for d in (self.township, self.village) if d is not None]
        if self.place:
            parts.append(self.place)
        return " ".join(parts)


class Material(models.TextChoices):
    """What a campaign hands out."""

    POLICY_CARD = "policy_card", _("Household policy card")  # 明白卡
    BROCHURE = "brochure", _("Brochure")  # 宣传册
    PARENT_LETTER = "parent_letter", _("Letter to parents")  # 告家长书
    POSTER = "poster", _("Poster")  # 宣传海报
    OTHER = "other", _("Other material")


class CampaignMaterial(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="materials")
    material = models.CharField(max_length=20, choices=Material.choices)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "material"], name="one_count_per_material"),
            models.CheckConstraint(condition=models.Q(count__gt=0), name="material_count_positive"),
        ]


class Visit(models.Model):
    """A home visit to a registered-poor household (入户走访): who went, when, what was said. The term is
    the one holding the day (a holiday counts for the term before it)."""

    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="outreach_visits"
    )
    term = models.ForeignKey("registry.Term", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(
        "registry.Division", null=True, on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField(_("date"))
    visitors = models.CharField(_("visitors"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["term", "household"]),
            models.Index(fields=["term", "village"]),
        ]


class SurveyAnswer(models.Model):
    """One answer of the awareness survey (政策知晓) given on a visit; the question is a code of
    ``rules/survey.toml``."""

    class Answer(models.TextChoices):
        YES = "yes", _("Knows")
        NO = "no", _("Does not know")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(max_length=40)
    answer = models.CharField(max_length=3, choices=Answer.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["visit", "question"], name="one_answer_per_question")
        ]


class CardDelivery(models.Model):
    """A household's policy card (明白卡) of a term: printed, delivered (by whom, when), signed (with an
    optional photo of the signed card)."""

    class State(models.TextChoices):
        PRINTED = "printed", _("Printed")
        DELIVERED = "delivered", _("Delivered")
        SIGNED = "signed", _("Signed")

    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="card_deliveries"
    )
    term = models.ForeignKey("registry.Term", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PRINTED)
    printed_at = models.DateTimeField()
    printed_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    delivered_on = models.DateField(null=True, blank=True)
    delivered_by = models.CharField(max_length=200, blank=True)
    delivery_recorded_by = models.ForeignKey(
        USER, null=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_on = models.DateField(null=True, blank=True)
    signed_recorded_by = models.ForeignKey(
        USER, null=True, on_delete=models.PROTECT, related_name="+"
    )
    photo_path = models.CharField(max_length=300, blank=True)
    photo_name = models.CharField(max_length=100, blank=True)
    photo_kind = models.CharField(max_length=10, blank=True)
    photo_size = models.PositiveIntegerField(null=True, blank=True)
    photo_sha256 = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["household", "term"], name="one_card_per_household_term"
            ),
            models.CheckConstraint(
                name="delivered_cards_have_a_day_and_a_person",
                condition=models.Q(state="printed")
                | (models.Q(delivered_on__isnull=False) & ~models.Q(delivered_by="")),
            ),
            models.CheckConstraint(
                name="signed_cards_have_a_day",
                condition=~models.Q(state="signed") | models.Q(signed_on__isnull=False),
            ),
        ]
