// The wallboard: listens on /ws/live/ and, on every ACD or ticket event the user may hear,
// re-fetches the server-rendered figures (no polling: nothing is fetched while nothing
// happens). Waits and times in state tick on in the browser between events, from the
// moments the server rendered into data-since.

import { fetchHtml } from "../desk/api.js";
import { Live } from "../desk/live.js";

const REFRESH_DELAY_MS = 60;
const EVENTS = new Set(["call.queued", "call.ended", "call.answered", "agent.state", "ticket.changed"]);

function config() {
  const node = document.getElementById("wallboard-config");
  return node ? JSON.parse(node.textContent) : {};
}

function duration(ms) {
  const total = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

function tick() {
  const now = Date.now();
  for (const node of document.querySelectorAll("#wallboard-body [data-since]")) {
    node.textContent = duration(now - Number(node.dataset.since));
  }
}

function connectionIndicator(online) {
  const indicator = document.getElementById("wallboard-connection");
  if (!indicator) return;
  indicator.dataset.connection = online ? "online" : "offline";
  indicator.textContent = online ? indicator.dataset.labelOnline : indicator.dataset.labelOffline;
}

function fullScreen() {
  const button = document.getElementById("wallboard-fullscreen");
  const board = document.getElementById("wallboard");
  if (!button || !board) return;
  if (!document.fullscreenEnabled) {
    button.hidden = true;
    return;
  }
  button.addEventListener("click", () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else board.requestFullscreen();
  });
  document.addEventListener("fullscreenchange", () => {
    const on = document.fullscreenElement === board;
    button.setAttribute("aria-pressed", String(on));
    board.classList.toggle("wallboard-tv", on || new URLSearchParams(location.search).get("tv") === "1");
  });
}

function start(settings) {
  const body = document.getElementById("wallboard-body");
  let timer = 0;
  let controller = null;

  async function refresh() {
    controller?.abort();
    controller = new AbortController();
    try {
      body.innerHTML = await fetchHtml(settings.fragmentUrl, { signal: controller.signal });
      body.dataset.refreshedAt = String(Date.now());
      tick();
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
      if (EVENTS.has(event.type)) soon();
    },
    onOnline: () => {
      connectionIndicator(true);
      soon();
    },
    onOffline: () => connectionIndicator(false),
  }).start();
  window.setInterval(tick, 1000);
  fullScreen();
}

if (document.querySelector("[data-wallboard]")) start(config());
