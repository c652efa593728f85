"""Translated strings for the desk's JavaScript (rendered into a JSON script tag)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def desk_labels() -> dict[str, object]:
    return {
        "states": {
            "available": _("Available"),
            "paused": _("Paused"),
            "ringing": _("Ringing"),
            "in_call": _("In call"),
            "wrap_up": _("Wrap-up"),
            "unavailable": _("Unavailable"),
            "logged_out": _("Logged out"),
        },
        "pause": _("Pause"),
        "resume": _("End pause"),
        "pauseRequested": _("Request sent; the phone system confirms it."),
        "online": _("Connected"),
        "offline": _("Offline: the desk is not receiving calls. Reconnecting…"),
        "offlineShort": _("Offline"),
        "reconnected": _("Connected again; the desk is up to date."),
        "ringing": _("Incoming call from %(caller)s (queue %(queue)s)"),
        "ringEnded": _("The call was not answered here."),
        "unknownCaller": _("Unknown number"),
        "noName": _("no name transmitted"),
        "seconds": _("%(s)s s"),
        "hungUp": _("The caller hung up. Please complete the wrap-up."),
        "inCall": _("In call"),
        "none": _("none"),
        "searching": _("Searching…"),
        "noResults": _("No matching article."),
        "noMatch": _("No matching article. The results below are only guesses."),
        "maybeMeant": _("Maybe meant"),
        "noMatchMaybe": _("No matching article – maybe meant"),
        "resultOne": _("One article found. Press Enter to open it."),
        "resultCount": _("%(n)s articles found. Use the arrow keys and Enter to open one."),
        "searchUnavailable": _("The search is not available right now."),
        "articleError": _("The article could not be loaded."),
        "linked": _("Linked to this call: %(title)s"),
        "saved": _("Wrap-up saved. Ticket %(number)s is now: %(status)s."),
        "amended": _("Wrap-up amended. Ticket %(number)s is now: %(status)s."),
        "saveWrapUp": _("Save wrap-up"),
        "saveAmendment": _("Save the amendment"),
        "savedAmendable": _(
            "Saved at %(time)s (ticket %(number)s: %(status)s). You can amend it until the call "
            "ends."
        ),
        "savedFinal": _("Saved at %(time)s (ticket %(number)s: %(status)s)."),
        "hungUpSaved": _("The caller hung up. The wrap-up saved during the call stands."),
        "outcome": _("Outcome"),
        "article": _("Article"),
        "department": _("Department"),
        "note": _("Note"),
        "responseBy": _("Response by"),
        "contact": _("Contact"),
        "saving": _("Saving…"),
        "conflict": _("The ticket was changed in the meantime; the desk has been reloaded."),
        "error": _("Something went wrong: %(message)s"),
        "networkError": _("No connection to the server. Please try again."),
        "noteRequired": _("Describe the request for the department."),
        "ticketStatus": {
            "open": _("Open"),
            "resolved": _("Resolved at first contact"),
            "escalated": _("Escalated"),
            "in_progress": _("In progress"),
            "waiting_for_citizen": _("Waiting for citizen"),
            "answered": _("Answered"),
            "returned": _("Returned to the service centre"),
            "closed": _("Closed"),
        },
    }
