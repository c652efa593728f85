// The department inbox: listens on /ws/live/ for ticket.changed and re-fetches the
// server-rendered list fragment (with the filters in the address), so new and changed
// tickets appear without a reload. The websocket (backoff, ping, offline detection) and the
// HTML fetch are the desk's generic helpers.

import { fetchHtml } from "../desk/api.js";
import { Live } from "../desk/live.js";

const REFRESH_DELAY_MS = 150;

function config() {
  const node = document.getElementById("inbox-config");
  return node ? JSON.parse(node.textContent) : {};
}

function connectionIndicator(online) {
  const banner = document.getElementById("inbox-offline");
  const indicator = document.getElementById("inbox-connection");
  if (banner) banner.hidden = online;
  if (indicator) {
    indicator.dataset.connection = online ? "online" : "offline";
    indicator.textContent = online ? indicator.dataset.labelOnline : indicator.dataset.labelOffline;
  }
}

function startList(settings) {
  const list = document.getElementById("inbox-list");
  const announce = document.getElementById("inbox-updated");
  let timer = 0;
  let controller = null;

  async function refresh() {
    controller?.abort();
    controller = new AbortController();
    const url = list.dataset.listUrl + window.location.search;
    try {
      const html = await fetchHtml(url, { signal: controller.signal });
      // Keep keyboard focus on the same ticket link if the list is replaced under it.
      const focused = document.activeElement?.closest?.("[data-ticket-id]")?.dataset.ticketId;
      list.innerHTML = html;
      if (focused) list.querySelector(`[data-ticket-id="${focused}"] a`)?.focus();
      list.dataset.refreshedAt = String(Date.now());
      if (announce) announce.textContent = announce.dataset.label;
    } catch (error) {
      if (error.name !== "AbortError") connectionIndicator(false);
    }
  }

  const soon = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, REFRESH_DELAY_MS);
  };

  new Live({
    path: settings.wsPath,
    onEvent: (event) => {
      if (event.type === "ticket.changed") soon();
    },
    // After every (re)connect: fetch what changed while we were away.
    onOnline: () => {
      connectionIndicator(true);
      soon();
    },
    onOffline: () => connectionIndicator(false),
  }).start();
}

function startTicket(settings) {
  const notice = document.getElementById("inbox-changed");
  const loadedAt = Date.now();
  new Live({
    path: settings.wsPath,
    onEvent: (event) => {
      // Our own action's event can arrive just after the redirect; ignore the first moment.
      if (event.type !== "ticket.changed" || event.data.id !== settings.ticketId) return;
      if (Date.now() - loadedAt > 1500 && notice) notice.hidden = false;
    },
    onOnline: () => {},
    onOffline: () => {},
  }).start();
}

const settings = config();
if (document.querySelector("[data-inbox]")) startList(settings);
else if (document.querySelector("[data-inbox-ticket]")) startTicket(settings);
