"""Which user sits behind a queue member interface (``PJSIP/2101`` → agent)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from callcenter.accounts.models import User
from telephony import selectors
from telephony.acd_members import AcdMember, acd_member_error
from telephony.exceptions import DeviceInvalid, DeviceMappedElsewhere, DeviceNotFound
from telephony.interfaces import interface_clean, interface_key
from telephony.models import AgentDevice


@transaction.atomic
def device_map(
    *,
    username: str,
    interface: str,
    members: list[AcdMember] | None = None,
    move: bool = True,
) -> AgentDevice:
    """Map a queue member interface to a user.

    ``members`` are the queue members the ACD reports (``acd_members()``, asked by the caller
    before: it is network I/O, never inside this transaction); when given, an interface no
    member carries is refused. Re-mapping an interface moves it to the new user; with
    ``move=False`` an interface mapped to someone else is refused instead (a form that showed
    it free must not silently take it from that person).
    """
    error = acd_member_error(interface, members)
    if error is not None:
        raise DeviceInvalid.for_field("interface", error)
    interface = interface_clean(interface) or interface
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise DeviceInvalid.for_field("username", _("There is no active user with this username."))
    existing = [
        device
        for device in AgentDevice.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(interface__istartswith=interface_key(interface))
        if interface_key(device.interface) == interface_key(interface)
    ]
    taken = [device for device in existing if device.user_id != user.pk]
    if taken and not move:
        holder = taken[0].user
        message = _("%(interface)s is mapped to %(user)s. Confirm to move it.") % {
            "interface": taken[0].interface,
            "user": holder.get_full_name() or holder.username,
        }
        raise DeviceMappedElsewhere(message, extra={"fields": {"interface": message}})
    device, _created = AgentDevice.objects.update_or_create(
        interface=interface, defaults={"user": user}
    )
    # The same member under another spelling (case, Local options) is the same phone.
    AgentDevice.objects.filter(pk__in=[d.pk for d in existing if d.pk != device.pk]).delete()
    selectors.device_cache_clear()
    return device


@transaction.atomic
def device_unmap(*, device_id: int) -> None:
    """Free a phone: calls answered on it belong to nobody until it is mapped again."""
    deleted, _by_model = AgentDevice.objects.filter(pk=device_id).delete()
    if not deleted:
        raise DeviceNotFound(_("This phone mapping was removed already."))
    selectors.device_cache_clear()
