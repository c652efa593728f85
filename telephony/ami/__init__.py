"""The Asterisk Manager Interface adapter: framing, typed events, call-state machine,
client and replay simulator. No database access happens in this package; the
``telephony`` services consume the domain events of :mod:`telephony.ami.domain`."""
