"""Text limits a person can act on: an over-long text is refused with a message that names the
field and its limit (Django's default names neither), and the limit is visible beforehand
(``maxlength`` feeds the counter of ``static/frontend/counter.js``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _


def form_name_limits(form: forms.BaseForm) -> None:
    """Give each length-limited text field of ``form`` a message naming it and the limit."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField) and field.max_length is not None:
            label = str(field.label or "").replace("%", "%%")
            # %(limit_value)d and %(show_value)d are filled by Django's MaxLengthValidator.
            field.error_messages["max_length"] = _(
                "“%(field)s” may have at most %(limit)s characters; it has %(count)s."
            ) % {"field": label, "limit": "%(limit_value)d", "count": "%(show_value)d"}


class LimitedForm(forms.Form):
    """A form whose length-limited text fields say which field is too long, and by how much."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_name_limits(self)
