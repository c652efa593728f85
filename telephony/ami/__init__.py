"""The Asterisk Manager Interface adapter. No database access happens in this package.

Modules, from the wire up:

* ``framing``     – bytes to :class:`~telephony.ami.framing.Message` (bounded, lenient parser)
* ``wire_events`` – typed AMI wire events (``QueueCallerJoin``, ``AgentConnect``, …) and
  ``parse_event``
* ``transport``   – one TCP connection: ``asterisk.ami.AMIClient`` with its defects worked around
* ``inbox``       – the bounded, never-blocking hand-over from reader to consumer
* ``client``      – :class:`~telephony.ami.client.AmiClient`: login, Ping watchdog, reconnect
  with backoff, resync, actions (``queue_pause``, ``originate``, ``send_action``)
* ``session``     – session markers and resync snapshots delivered alongside events
* ``calls`` / ``agents`` / ``state`` – the pure, I/O-free call and agent state machine that
  turns wire events into the ACD events of :mod:`telephony.acd_events`
* ``listener``    – :class:`~telephony.ami.listener.AmiListener`: client + state machine + sink

Outside this package: the ACD events it emits (:mod:`telephony.acd_events`, shared with the
CTI webhook), its error type :class:`~telephony.exceptions.AmiError` (``message``,
``permanent``), the commands for pause and callback, sent on the running listener's
connection or a short session of their own (:mod:`telephony.acd_commands`) and the process
that runs a listener with a lease and writes its events to the database
(:mod:`telephony.runtime`). The transcript replay server
the tests drive it with lives in ``tests/support/ami_replay.py``.

How :mod:`telephony.runtime` uses it (its sink hands the join and the offer to a pop thread
that prepares the screen pop ahead of the writes, announces a ``CallAnswered`` pop at once
and hands every event to ``services.domain_event_apply`` on a writer thread)::

    listener = AmiListener(AmiConfig(host=..., port=..., username=..., secret=...),
                           sink=on_acd_event, system_id="pbx-1")
    listener.start()                  # reader and consumer threads
    listener.client.wait_stopped(0)   # True once it stopped, e.g. on a permanent AmiError
    listener.stop()                   # from the SIGTERM handler

The sink is called on the one consumer thread, in order, with the frozen dataclasses of
:mod:`telephony.acd_events`; it may block (database writes) without stalling the socket.
"""
