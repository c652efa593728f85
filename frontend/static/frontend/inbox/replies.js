// Reply templates: "Insert" puts the chosen template (already filled in for this ticket by the
// server) into the response at the cursor, keeping what was typed; without JavaScript the form
// reloads the page with the template in the response field.
(() => {
  "use strict";
  const run = () => {
    const chooser = document.querySelector("[data-reply-templates]");
    const field = document.querySelector("form[data-action='respond'] textarea");
    if (!chooser || !field) return;
    chooser.addEventListener("submit", (event) => {
      event.preventDefault();
      const option = chooser.querySelector("select").selectedOptions[0];
      if (!option) return;
      const text = option.dataset.text || "";
      const start = field.selectionStart ?? field.value.length;
      const end = field.selectionEnd ?? field.value.length;
      const before = field.value.slice(0, start);
      const glue = before && !before.endsWith("\n") ? "\n" : "";
      field.value = before + glue + text + field.value.slice(end);
      const caret = (before + glue + text).length;
      field.focus();
      field.setSelectionRange(caret, caret);
      field.dispatchEvent(new Event("input", { bubbles: true }));
    });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
