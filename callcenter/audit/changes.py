"""Changes of users, roles, memberships and master data, recorded from Django's model signals.

Why signals and not the services: users, roles, memberships and master data are written by
the services (API, imports, demo loading), by the Django admin and by the administration
pages. A hook on the models records every one of these paths without each having to remember
it; the acting user and address come from the request being served (``context.py``). The
audit app connects only to models other apps hand it (``audit_track_*`` in their
``AppConfig.ready``), the documented extension point, never to wire an app to itself.

Rows hold the names of the changed fields, never their values: a user's new password hash,
e-mail or name does not belong into a log that many administrators read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from callcenter.audit.models import AuditAction, AuditTarget
from callcenter.audit.services import audit_origin, audit_record

_BEFORE = "_audit_before"
# Fields a login or the system touches on its own: no change of anyone's access.
_USER_IGNORED = frozenset({"last_login", "password", "date_joined"})


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _attnames(model: type[models.Model]) -> list[str]:
    # Time stamps that every save moves are no change of anything.
    return [
        f.attname
        for f in model._meta.concrete_fields
        if not f.primary_key and not getattr(f, "auto_now", False)
    ]


def _remember_before(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if kwargs.get("raw") or instance._state.adding or instance.pk is None:
        return
    before = sender._base_manager.filter(pk=instance.pk).values(*_attnames(sender)).first()
    setattr(instance, _BEFORE, before)


def _changed_fields(
    sender: type[models.Model], instance: models.Model, update_fields: Iterable[str] | None
) -> list[str]:
    before = instance.__dict__.pop(_BEFORE, None)
    names = _attnames(sender)
    if update_fields is not None:
        wanted = set(update_fields)
        names = [n for n in names if n in wanted or n.removesuffix("_id") in wanted]
    if before is None:
        return names
    return [n for n in names if before.get(n) != getattr(instance, n)]


def _record(action: AuditAction, target_type: str, target_id: Any, data: dict[str, Any]) -> None:
    actor, ip = audit_origin()
    audit_record(
        action=action, actor=actor, ip=ip, target_type=target_type, target_id=target_id, data=data
    )


def _connect(model: type[models.Model], kind: str, saved: Any, deleted: Any) -> None:
    uid = f"audit.{kind}.{_label(model)}"
    pre_save.connect(_remember_before, sender=model, dispatch_uid=f"{uid}.pre", weak=False)
    post_save.connect(saved, sender=model, dispatch_uid=f"{uid}.post", weak=False)
    post_delete.connect(deleted, sender=model, dispatch_uid=f"{uid}.delete", weak=False)


# --- Master data -----------------------------------------------------------------------------


def audit_track_changes(model: type[models.Model], *, ignore: Iterable[str] = ()) -> None:
    """Record creating, changing and deleting rows of ``model`` (master data)."""
    ignored = frozenset(ignore)

    def saved(
        sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any
    ) -> None:
        if kwargs.get("raw"):
            return
        fields = [
            f
            for f in _changed_fields(sender, instance, kwargs.get("update_fields"))
            if f not in ignored
        ]
        if not created and not fields:
            return
        action = AuditAction.MASTER_DATA_CREATED if created else AuditAction.MASTER_DATA_CHANGED
        data = {"object": str(instance)[:200], "fields": [] if created else fields}
        _record(action, _label(sender), instance.pk, data)

    def deleted(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
        data = {"object": str(instance)[:200]}
        _record(AuditAction.MASTER_DATA_DELETED, _label(sender), instance.pk, data)

    _connect(model, "masterdata", saved, deleted)


# --- Department memberships: recorded on the member -----------------------------------------


def audit_track_memberships(model: type[models.Model]) -> None:
    """Record membership rows (``user``, ``department``, ``is_lead``) on the user they give
    access to."""

    def describe(instance: Any) -> dict[str, Any]:
        return {"department": instance.department_id, "is_lead": bool(instance.is_lead)}

    def saved(sender: type[models.Model], instance: Any, created: bool, **kwargs: Any) -> None:
        if kwargs.get("raw"):
            return
        fields = _changed_fields(sender, instance, kwargs.get("update_fields"))
        if not created and not fields:
            return
        action = AuditAction.MEMBERSHIP_ADDED if created else AuditAction.MEMBERSHIP_CHANGED
        data = {**describe(instance), **({} if created else {"fields": fields})}
        _record(action, AuditTarget.USER, instance.user_id, data)

    def deleted(sender: type[models.Model], instance: Any, **kwargs: Any) -> None:
        _record(
            AuditAction.MEMBERSHIP_REMOVED, AuditTarget.USER, instance.user_id, describe(instance)
        )

    _connect(model, "membership", saved, deleted)


# --- API tokens: recorded on their user -------------------------------------------------------


def audit_track_api_tokens(model: type[models.Model]) -> None:
    """Tokens issued and revoked (one by one: the expiry purge deletes in bulk, unrecorded)."""

    def saved(sender: type[models.Model], instance: Any, created: bool, **kwargs: Any) -> None:
        if created and not kwargs.get("raw"):
            data = {"token": instance.pk, "name": instance.name}
            _record(AuditAction.API_TOKEN_CREATED, AuditTarget.USER, instance.user_id, data)

    def deleted(sender: type[models.Model], instance: Any, **kwargs: Any) -> None:
        data = {"token": instance.pk, "name": instance.name}
        _record(AuditAction.API_TOKEN_REVOKED, AuditTarget.USER, instance.user_id, data)

    post_save.connect(saved, sender=model, dispatch_uid="audit.api_token.post", weak=False)
    post_delete.connect(deleted, sender=model, dispatch_uid="audit.api_token.delete", weak=False)


# --- Users and roles ---------------------------------------------------------------------------


def audit_track_user_model(model: type[models.Model]) -> None:
    """Users: created, changed (field names), password changed, deleted; their roles (groups)
    and individual permissions."""
    target = _label(model)

    def saved(sender: type[models.Model], instance: Any, created: bool, **kwargs: Any) -> None:
        if kwargs.get("raw"):
            return
        fields = _changed_fields(sender, instance, kwargs.get("update_fields"))
        if created:
            _record(AuditAction.USER_CREATED, target, instance.pk, {"username": instance.username})
            return
        if "password" in fields:
            _record(AuditAction.USER_PASSWORD_CHANGED, target, instance.pk, {})
        fields = [f for f in fields if f not in _USER_IGNORED]
        if fields:
            _record(AuditAction.USER_CHANGED, target, instance.pk, {"fields": fields})

    def deleted(sender: type[models.Model], instance: Any, **kwargs: Any) -> None:
        _record(AuditAction.USER_DELETED, target, instance.pk, {"username": instance.username})

    _connect(model, "user", saved, deleted)
    groups = model._meta.get_field("groups").remote_field.through  # type: ignore[union-attr]
    permissions = model._meta.get_field("user_permissions").remote_field.through  # type: ignore[union-attr]
    _track_m2m(groups, AuditAction.USER_ROLES_CHANGED, target, "name")
    _track_m2m(permissions, AuditAction.USER_PERMISSIONS_CHANGED, target, "codename")


def audit_track_role_model(model: type[models.Model]) -> None:
    """Roles (groups): changes of the permissions a role grants."""
    through = model._meta.get_field("permissions").remote_field.through  # type: ignore[union-attr]
    _track_m2m(through, AuditAction.ROLE_PERMISSIONS_CHANGED, _label(model), "codename")


def _track_m2m(through: Any, action: AuditAction, target: str, name_field: str) -> None:
    """One row per owner whose set changed (``user.groups.add`` or ``group.user_set.add``),
    naming what was added and removed."""

    def changed(
        sender: Any,
        instance: Any,
        action: str,
        reverse: bool,
        model: type[models.Model],
        pk_set: set[Any] | None,
        **kwargs: Any,
    ) -> None:
        if action == "pre_clear":
            setattr(instance, _BEFORE + "_m2m", _linked_ids(through, instance))
            return
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        if action == "post_clear":
            pk_set = instance.__dict__.pop(_BEFORE + "_m2m", set())
        if not pk_set:
            return
        key = "added" if action == "post_add" else "removed"
        if not reverse:
            names = sorted(
                model._base_manager.filter(pk__in=pk_set).values_list(name_field, flat=True)
            )
            _record(audit_action, target, instance.pk, {key: names})
            return
        name = getattr(instance, name_field)
        for owner in sorted(pk_set):
            _record(audit_action, target, owner, {key: [name]})

    audit_action = action
    m2m_changed.connect(
        changed, sender=through, dispatch_uid=f"audit.m2m.{_label(through)}", weak=False
    )


def _linked_ids(through: Any, instance: models.Model) -> set[Any]:
    """Ids on the other side of ``through`` linked to ``instance`` (before a ``clear()``)."""
    fks = [f for f in through._meta.concrete_fields if f.is_relation]
    own = next(f for f in fks if isinstance(instance, f.related_model))
    other = next(f for f in fks if f is not own)
    rows = through._base_manager.filter(**{own.attname: instance.pk})
    return set(rows.values_list(other.attname, flat=True))
