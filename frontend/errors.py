"""Domain errors on server-rendered forms, read the same way as the API's clients read them.

Field errors are always ``exc.field_errors`` (``extra = {"fields": {name: message}}``, see
``callcenter.errors``); an error that names no field, or a field the form lacks, goes to the top
of the form.
"""

from __future__ import annotations

from collections.abc import Mapping

from django import forms

from callcenter.errors import DomainError


def form_add_domain_error(
    form: forms.Form,
    exc: DomainError,
    *,
    aliases: Mapping[str, str] | None = None,
    strip_prefix: str = "",
) -> None:
    """Attach ``exc`` to ``form``: each field error to its field, ``exc.message`` otherwise.

    ``aliases`` maps a domain field name to the form's; ``strip_prefix`` drops the name of a
    nested object (``caller.phone`` → ``phone``) for forms that flatten it.
    """
    fields = exc.field_errors
    if not fields:
        form.add_error(None, exc.message)
        return
    for name, message in fields.items():
        target = (aliases or {}).get(name, name.removeprefix(strip_prefix))
        form.add_error(target if target in form.fields else None, str(message))
