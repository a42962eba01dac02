"""The care pages, mounted at ``care/``."""

from django.urls import path

from notoneless.care.views import pages

urlpatterns = [
    path("", pages.index, name="care_index"),
    path("schools/<int:school_id>/", pages.school, name="care_school"),
    path("schools/<int:school_id>/groups/", pages.group, name="care_group"),
    path("schools/<int:school_id>/pairs/", pages.add_pair, name="care_add_pair"),
    path("schools/<int:school_id>/suggest/", pages.suggest, name="care_suggest"),
    path("pairs/", pages.pairs_ledger, name="care_pairs"),
    path("pairs/export.xlsx", pages.pairs_export, name="care_pairs_export"),
    path("pairs/<int:pairing_id>/", pages.pair, name="care_pair"),
    path("pairs/<int:pairing_id>/log/", pages.log, name="care_log"),
    path("pairs/<int:pairing_id>/end/", pages.end, name="care_end"),
    path("attachments/<int:attachment_id>/", pages.attachment, name="care_attachment"),
]
