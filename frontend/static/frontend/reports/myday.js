// "Mein Tag" on the desk: the agent's own figures of today, fetched afresh whenever the
// agent opens the section (their own action, not polling).

import { fetchHtml } from "../desk/api.js";

const section = document.getElementById("my-day");
const body = document.getElementById("my-day-body");
if (section && body) {
  section.addEventListener("toggle", async () => {
    if (!section.open) return;
    try {
      body.innerHTML = await fetchHtml(section.dataset.url);
    } catch {
      // Keep the figures shown; the desk's own banner reports a lost connection.
    }
  });
}
