"""Domain errors: one stable code per class, one shape for field errors."""

from __future__ import annotations

import ast
from pathlib import Path

from rest_framework import serializers

import knowledge.exceptions
import telephony.exceptions
import tickets.exceptions
from callcenter.api.errors import field_messages
from callcenter.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotAllowed,
    NotFound,
    StaleWrite,
    Unavailable,
)

BASES = {DomainError, InvalidInput, NotAllowed, NotFound, Conflict, Unavailable, StaleWrite}
ROOT = Path(__file__).resolve().parents[2]
APPS = ("callcenter", "knowledge", "tickets", "telephony", "frontend")


def _all_subclasses(cls: type[DomainError]) -> set[type[DomainError]]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _all_subclasses(sub)
    return found


def test_every_domain_error_has_its_own_code() -> None:
    assert knowledge.exceptions and telephony.exceptions and tickets.exceptions  # all imported
    concrete = _all_subclasses(DomainError) - BASES
    codes = [cls.code for cls in concrete]
    assert len(codes) == len(set(codes)), sorted(codes)
    assert not set(codes) & {base.code for base in BASES}


def test_no_code_raises_a_base_class_directly() -> None:
    """A base class only fixes the HTTP status; raising it would share a generic code."""
    names = {base.__name__ for base in BASES}
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Raise)
                    and isinstance(node.exc, ast.Call)
                    and isinstance(node.exc.func, ast.Name)
                    and node.exc.func.id in names
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_a_field_error_names_its_field_and_message() -> None:
    exc = tickets.exceptions.TicketInvalid.for_field("caller.phone", "Needed.")
    assert (exc.message, exc.extra, exc.field_errors) == (
        "Needed.",
        {"fields": {"caller.phone": "Needed."}},
        {"caller.phone": "Needed."},
    )
    assert tickets.exceptions.TicketNotFound("Gone.").field_errors == {}


def test_request_validation_errors_have_the_same_shape() -> None:
    class Caller(serializers.Serializer[dict[str, str]]):
        phone = serializers.CharField()

    class Payload(serializers.Serializer[dict[str, object]]):
        subject = serializers.CharField(max_length=3)
        caller = Caller()
        tags = serializers.ListField(child=serializers.IntegerField())

    payload = Payload(data={"subject": "long", "caller": {}, "tags": [1, "x"]})
    assert not payload.is_valid()
    fields = field_messages(payload.errors)
    assert set(fields) == {"subject", "caller.phone", "tags.1"}
    assert all(isinstance(message, str) and message for message in fields.values())
    assert field_messages(["Wrong."]) == {"non_field_errors": "Wrong."}


def test_no_code_builds_the_old_single_field_shape() -> None:
    """``extra={"field": name}`` was the old shape; ``for_field`` builds the one shape."""
    offenders = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if 'extra={"field":' in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
