"""Commands to the ACD (pause an agent, originate a callback) over a short AMI session.

The listener's connection belongs to ``ami_listen`` (possibly another process or host), so
actions open their own session: login with events off, one action, logoff. Asterisk allows
many manager sessions; a pause or a callback is rare enough that the extra login costs
nothing. Never call these inside a database transaction: they wait on the network.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from telephony.ami.client import ActionResult, AmiClient, AmiConfig
from telephony.config import config_from_settings
from telephony.exceptions import AmiError

LOGIN_TIMEOUT_SECONDS = 5.0


@contextmanager
def ami_session(config: AmiConfig | None = None) -> Iterator[AmiClient]:
    base = config or config_from_settings()
    client = AmiClient(
        # No resync: nothing consumes its snapshots, and stop() would close the socket
        # under the resync's QueueStatus/CoreShowChannels (the "Bad file descriptor").
        replace(base, events="off", resync=False, action_timeout=min(base.action_timeout, 5.0)),
        lambda item: None,
    )
    client.start()
    try:
        if not client.logged_in.wait(LOGIN_TIMEOUT_SECONDS):
            error = client.error or AmiError(
                f"no AMI session to {base.host}:{base.port} within {LOGIN_TIMEOUT_SECONDS:.0f} s"
            )
            raise error
        yield client
    finally:
        client.stop(timeout=2.0)


def queue_pause(
    *, interface: str, paused: bool, reason: str = "", config: AmiConfig | None = None
) -> ActionResult:
    with ami_session(config) as client:
        return client.queue_pause(interface=interface, paused=paused, reason=reason)


def originate(
    *, agent_device: str, number: str, context: str, caller_id: str, config: AmiConfig | None = None
) -> ActionResult:
    with ami_session(config) as client:
        return client.originate(
            agent_device=agent_device, number=number, context=context, caller_id=caller_id
        )
