"""The Asterisk Manager Interface adapter. No database access happens in this package.

Modules, from the wire up:

* ``framing``   – bytes to :class:`~telephony.ami.framing.Message` (bounded, lenient parser)
* ``events``    – typed AMI event dataclasses and ``parse_event``
* ``transport`` – one TCP connection: ``asterisk.ami.AMIClient`` with its defects worked around
* ``inbox``     – the bounded, never-blocking hand-over from reader to consumer
* ``client``    – :class:`~telephony.ami.client.AmiClient`: login, Ping watchdog, reconnect
  with backoff, resync, actions (``queue_pause``, ``originate``, ``send_action``)
* ``session``   – session markers and resync snapshots delivered alongside events
* ``calls`` / ``agents`` / ``state`` – the pure, I/O-free call and agent state machine
* ``domain``    – the domain events it emits (documented schema, ``as_dict`` for JSON)
* ``listener``  – :class:`~telephony.ami.listener.AmiListener`: client + state machine + sink
* ``errors``    – :class:`~telephony.ami.errors.AmiError` (``message``, ``permanent``)

What the rest of ``telephony`` uses::

    listener = AmiListener(AmiConfig(host=..., port=..., username=..., secret=...),
                           sink=lambda event: services.apply(event), system_id="pbx-1")
    listener.run()          # blocks; listener.stop() from a SIGTERM handler
    listener.client.queue_pause(interface="PJSIP/2101", paused=True, reason="Pause")
    listener.client.originate(agent_device="PJSIP/2101", number="+4930...", context="intern")

The sink is called on the one consumer thread, in order, with the frozen dataclasses of
:mod:`telephony.acd_events`; it may block (database writes) without stalling the socket.
"""
