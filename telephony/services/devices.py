"""Which user sits behind a queue member interface (``PJSIP/2101`` → agent)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from callcenter.accounts.models import User
from telephony import selectors
from telephony.exceptions import DeviceInvalid
from telephony.interfaces import interface_clean, interface_invalid_message
from telephony.models import AgentDevice


@transaction.atomic
def device_map(*, username: str, interface: str) -> AgentDevice:
    """Map a queue member interface to a user; re-mapping an interface moves it."""
    cleaned = interface_clean(interface)
    if cleaned is None:
        raise DeviceInvalid.for_field("interface", interface_invalid_message())
    interface = cleaned
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise DeviceInvalid.for_field("username", _("There is no active user with this username."))
    device, _created = AgentDevice.objects.update_or_create(
        interface=interface, defaults={"user": user}
    )
    selectors.device_cache_clear()
    return device
