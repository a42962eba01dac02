"""The outreach pages, mounted at ``outreach/``."""

from django.urls import path

from notoneless.outreach.views import pages

urlpatterns = [
    path("", pages.index, name="outreach_index"),
    path("households/", pages.households, name="outreach_households"),
    path("households/export.xlsx", pages.households_export, name="outreach_households_export"),
    path("households/<int:household_id>/", pages.household, name="outreach_household"),
    path("households/<int:household_id>/visits/", pages.record_visit, name="outreach_visit"),
    path(
        "households/<int:household_id>/card/<str:step>/", pages.card_step, name="outreach_card_step"
    ),
    path("cards/print/", pages.print_cards, name="outreach_print_cards"),
    path("cards/<int:card_id>/photo/", pages.card_photo, name="outreach_card_photo"),
    path("awareness/", pages.awareness, name="outreach_awareness"),
    path("campaigns/", pages.campaigns, name="outreach_campaigns"),
]
