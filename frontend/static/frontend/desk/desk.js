// The agent desk: wires the websocket, the status bar, the screen pop, the search and the
// wrap-up. Every (re)connect resynchronises from GET /api/v1/telephony/status/, so a reload or
// an outage during a call restores the current call from the server.

import { api, format, setCsrfToken } from "./api.js";
import { Live } from "./live.js";
import { Pop } from "./pop.js";
import { Search } from "./search.js";
import { StatusBar } from "./status.js";
import { WrapUp } from "./wrapup.js";

const QUEUE_POLL_MS = 15000;

function json(id) {
  return JSON.parse(document.getElementById(id).textContent);
}

function start() {
  const root = document.querySelector("[data-desk]");
  if (!root) return;
  const config = json("desk-config");
  const labels = json("desk-labels");
  setCsrfToken(root.dataset.csrf);

  const banner = document.getElementById("desk-offline");
  const connection = document.getElementById("desk-connection");
  const notice = document.getElementById("desk-notice");
  const statusError = document.getElementById("desk-status-error");
  const showStatusError = (message) => {
    statusError.textContent = message;
    statusError.hidden = !message;
  };
  const say = (message) => {
    notice.textContent = message;
  };

  const status = new StatusBar({ labels, pauseUrl: config.pauseUrl, onError: showStatusError });
  const pop = new Pop({ labels, ticketUrl: config.ticketUrl });
  const wrapUp = new WrapUp({
    labels,
    wrapUpUrl: config.wrapUpUrl,
    onSaved: (result, { amended }) => {
      const state = labels.ticketStatus[result.ticket.status] || result.ticket.status;
      const message = amended ? labels.amended : labels.saved;
      say(format(message, { number: result.ticket.number, status: state }));
      if (result.saved && result.saved.amendable) {
        // The call goes on: the card shows what was saved and amends it from now on.
        wrapUp.setSaved(result.saved);
        wrapUp.fill(result.saved);
        wrapUp.sync();
        pop.call.wrap_up = { saved: result.saved, draft: null };
        document.getElementById("wrapup-saved").scrollIntoView({ block: "nearest" });
      } else {
        pop.clear();
        status.setCall(null);
        wrapUp.call = null;
        search.focus();
      }
      resync();
    },
    onConflict: () => resync({ replace: true }),
    onDiscarded: () => resync(),
  });
  const search = new Search({
    labels,
    searchUrl: config.searchUrl,
    articleUrl: config.articleUrl,
    onUse: (service) => {
      if (pop.call) wrapUp.link({ ...service, id: Number(service.id) });
    },
  });

  function showCall(call, { focus, replace = false }) {
    const isNew = !pop.call || pop.call.call_id !== call.call_id;
    pop.show(call);
    status.setCall(call.ended_at ? "wrap_up" : "in_call");
    if (isNew || replace) wrapUp.reset(call);
    else if (call.wrap_up) wrapUp.update(call);
    else wrapUp.call = call;
    if (isNew && focus) search.focus();
  }

  // Live events that arrive while a resync is in flight are newer than its snapshot: the
  // snapshot is then discarded and fetched again, so it never undoes a pop or a state change.
  let generation = 0;
  let syncing = null;
  async function resync({ replace = false } = {}) {
    if (syncing) return syncing;
    syncing = (async () => {
      let stale = false;
      try {
        const seen = generation;
        const data = await api(config.statusUrl);
        stale = seen !== generation;
        status.setQueue(data.waiting_calls, data.longest_wait_seconds);
        if (stale) return;
        status.setState(data.state, data.paused_reason);
        if (data.current_call) showCall(data.current_call, { focus: !pop.call, replace });
        else if (pop.call) {
          pop.clear();
          status.setCall(null);
        }
      } catch (error) {
        if (error.status === 0) return;
        showStatusError(format(labels.error, { message: error.message || error.code }));
      } finally {
        syncing = null;
        if (stale) resync();
      }
    })();
    return syncing;
  }

  // Who is calling, as the ringing notice names them: the name the ACD reports, with the number.
  function callerOf(data) {
    const number = data.caller_number || "";
    const name = (data.caller_name || "").trim();
    if (name && number) return `${name} (${number})`;
    return name || number || labels.unknownCaller;
  }

  function handle(event) {
    generation += 1;
    const data = event.data || {};
    switch (event.type) {
      case "call.ringing":
        say(format(labels.ringing, { caller: callerOf(data), queue: data.queue }));
        break;
      case "call.ring_ended":
        if (data.result !== "answered") say(labels.ringEnded);
        break;
      case "call.answered":
        say("");
        showCall(data, { focus: true });
        break;
      case "call.ticket":
        pop.setTicket(data.call_id, data.ticket);
        break;
      case "call.ended":
        if (pop.call && pop.call.call_id === data.call_id) {
          pop.call.ended_at = data.ended_at;
          pop.setEnded(true);
          status.setCall("wrap_up");
          // A wrap-up saved during the call is done; one not saved (or an amendment begun)
          // stays on the card: the server's current call says which.
          say(wrapUp.saved ? labels.hungUpSaved : labels.hungUp);
          resync();
        }
        break;
      case "ticket.changed":
        // The call's ticket changed elsewhere (another tab saved the wrap-up, a clerk took
        // it): the card shows the server's state unless the agent is typing here.
        if (pop.call && pop.call.ticket && pop.call.ticket.id === data.id) resync();
        break;
      case "agent.state":
        status.setState(data.state, data.paused_reason);
        break;
      default:
        break;
    }
  }

  const live = new Live({
    path: config.wsPath,
    onEvent: handle,
    onOnline: () => {
      const wasOffline = !banner.hidden;
      banner.hidden = true;
      connection.dataset.connection = "online";
      connection.textContent = labels.online;
      if (wasOffline) say(labels.reconnected);
      resync();
    },
    onOffline: () => {
      banner.textContent = labels.offline;
      banner.hidden = false;
      connection.dataset.connection = "offline";
      connection.textContent = labels.offlineShort;
    },
  });
  live.start();
  window.setInterval(() => {
    if (live.online) resync();
  }, QUEUE_POLL_MS);

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target instanceof HTMLElement && (target.isContentEditable ||
      ["TEXTAREA", "SELECT"].includes(target.tagName) ||
      (target.tagName === "INPUT" && !["radio", "checkbox", "button", "submit"].includes(target.type)));
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      search.focus();
    } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && pop.call) {
      event.preventDefault();
      wrapUp.submit();
    }
  });
}

start();
