// The screen pop: caller, queue, wait, earlier calls and open tickets, the ticket of the call
// (which may follow the pop as its own event, see setTicket).

import { format } from "./api.js";

function link(href, text) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = text;
  a.target = "_blank";
  a.rel = "noopener";
  return a;
}

export class Pop {
  constructor({ labels, ticketUrl }) {
    this.labels = labels;
    this.ticketUrl = ticketUrl;
    this.root = document.getElementById("pop");
    this.empty = document.getElementById("no-call");
    this.call = null;
  }

  urlOf(ticketId) {
    return this.ticketUrl.replace("{id}", String(ticketId));
  }

  show(call) {
    this.call = call;
    const $ = (id) => document.getElementById(id);
    this.root.dataset.callId = String(call.call_id);
    $("pop-number").textContent = call.caller_number || this.labels.unknownCaller;
    $("pop-name").textContent = call.caller_name || `(${this.labels.noName})`;
    $("pop-queue").textContent = call.queue;
    $("pop-wait").textContent = format(this.labels.seconds, { s: call.wait_seconds ?? "–" });
    this.showTicket(call.ticket);
    this.setEnded(Boolean(call.ended_at));
    const open = $("pop-open-tickets");
    open.replaceChildren();
    for (const t of call.open_tickets || []) {
      const li = document.createElement("li");
      li.append(link(this.urlOf(t.id), t.number), ` ${t.subject}`);
      open.append(li);
    }
    if (!open.children.length) open.append(Object.assign(document.createElement("li"), { textContent: this.labels.none }));
    const earlier = $("pop-earlier-calls");
    earlier.replaceChildren();
    for (const c of call.earlier_calls || []) {
      const li = document.createElement("li");
      const when = new Date(c.joined_at).toLocaleString(document.documentElement.lang || "de");
      li.append(`${when} · ${c.queue} · ${c.outcome || "–"} `);
      if (c.ticket) li.append(link(this.urlOf(c.ticket.id), c.ticket.number));
      earlier.append(li);
    }
    if (!earlier.children.length) earlier.append(Object.assign(document.createElement("li"), { textContent: this.labels.none }));
    $("pop-history-count").textContent = String((call.open_tickets || []).length + (call.earlier_calls || []).length);
    this.empty.hidden = true;
    this.root.hidden = false;
  }

  showTicket(ticket) {
    const link = document.getElementById("pop-ticket");
    link.textContent = ticket ? ticket.number : "–";
    link.href = ticket ? this.urlOf(ticket.id) : "#";
    link.setAttribute("aria-busy", ticket ? "false" : "true");
  }

  // The pop goes out before the call's ticket is opened; `call.ticket` brings it a moment
  // later. Returns false when the event is for another call than the one shown.
  setTicket(callId, ticket) {
    if (!this.call || this.call.call_id !== callId) return false;
    this.call.ticket = ticket;
    this.showTicket(ticket);
    return true;
  }

  setEnded(ended) {
    const phase = document.getElementById("pop-phase");
    phase.textContent = ended ? this.labels.states.wrap_up : this.labels.inCall;
    phase.dataset.phase = ended ? "wrap_up" : "in_call";
  }

  clear() {
    this.call = null;
    this.root.hidden = true;
    this.root.dataset.callId = "";
    this.empty.hidden = false;
  }
}
