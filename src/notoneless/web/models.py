"""What the web layer itself keeps: the keys of the forms already submitted, so that a form sent twice
(a double tap, or a phone resending a queued form when its connection returns) is saved once."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class FormSubmission(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=36, help_text="the random key the form was rendered with")
    result_url = models.CharField(max_length=500, help_text="where the first submission led")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="form_submission_once"),
        ]
        indexes = [models.Index(fields=["created_at"])]
