"""``{% submission_field %}``: the hidden once-only key of a form (see ``web.submissions``)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from notoneless.web.submissions import FIELD, new_key

register = template.Library()


@register.simple_tag
def submission_field() -> SafeString:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key())
