// Visible text limits: every text area with a maxlength (and inputs marked data-counter) gets a counter below it
// ("12 / 200 Zeichen"), announced to screen readers only near the limit.
(() => {
  "use strict";
  const FORMAT = () => document.body.dataset.counterFormat || "%(count)s / %(limit)s";

  function attach(field) {
    if (field.dataset.counterReady || field.type === "hidden" || field.type === "password") return;
    const limit = Number(field.getAttribute("maxlength"));
    if (!limit || limit < 0) return;
    field.dataset.counterReady = "1";
    const counter = document.createElement("span");
    counter.className = "char-counter";
    counter.id = `${field.id || field.name}-counter`;
    counter.setAttribute("aria-live", "polite");
    const describedBy = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", describedBy ? `${describedBy} ${counter.id}` : counter.id);
    field.after(counter);
    const update = () => {
      const count = field.value.length;
      counter.textContent = FORMAT().replace("%(count)s", count).replace("%(limit)s", limit);
      counter.classList.toggle("near-limit", count >= limit * 0.9);
      // Quiet until close to the limit, so screen readers are not told every keystroke.
      counter.setAttribute("aria-live", count >= limit * 0.9 ? "polite" : "off");
    };
    field.addEventListener("input", update);
    update();
  }

  const run = () =>
    document
      .querySelectorAll("textarea[maxlength], input[maxlength][data-counter]")
      .forEach(attach);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
