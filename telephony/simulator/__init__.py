"""A live ACD simulator that speaks AMI like Asterisk 20 (``manage.py simulate_acd``).

Modules, from the model up:

* ``people``    – the German caller pool and the agent roster
* ``profile``   – Poisson arrivals following the 115 day (peaks 09–11 and 14–16 h)
* ``clock``     – simulated time, accelerated by ``speed``
* ``scheduler`` – the discrete-event queue the model runs on
* ``model``     – plain state: queues, members, channels, calls
* ``wire``      – rendering state as AMI messages with Asterisk's exact field layout
* ``emitter``   – timestamps, Uniqueids, channel names; common event sequences
* ``outcome``   – the one-line record per finished call
* ``callflow``  – one inbound queue call: join, offers, answer, talk, abandon, timeout
* ``originate`` – the ``Originate`` callback (agent first, then the citizen)
* ``rtcp``      – ``RTCPSent`` noise every 5 s per talking channel
* ``acd``       – :class:`~telephony.simulator.acd.AcdModel`: arrivals, dispatch, pauses
* ``lists``     – answers to ``QueueStatus``, ``QueueSummary``, ``CoreShowChannels``
* ``session`` / ``server`` – the asyncio AMI 9.0.0 server around the model

The model is pure (seeded, no I/O, time passed in), so tests can run hours of traffic in
milliseconds; only the server touches sockets and the wall clock.
"""
