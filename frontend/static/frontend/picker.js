// Searchable pickers: a select marked data-picker gets a search field before it that hides the
// options (and authority groups) not matching what is typed. The select stays the form field,
// so the form works without JavaScript and with the keyboard alone.
(() => {
  "use strict";
  const fold = (text) => text.toLocaleLowerCase("de").normalize("NFD").replace(/\p{M}/gu, "");

  function enhance(select) {
    if (select.dataset.pickerReady) return;
    select.dataset.pickerReady = "1";
    const search = document.createElement("input");
    search.type = "search";
    search.className = "picker-search";
    search.id = `${select.id}-search`;
    search.autocomplete = "off";
    const label = select.labels && select.labels[0] ? select.labels[0].textContent.trim() : "";
    search.setAttribute("aria-label", `${label} – ${select.dataset.pickerSearchLabel || "suchen"}`);
    search.placeholder = select.dataset.pickerPlaceholder || "Suchen …";
    search.setAttribute("aria-controls", select.id);
    // Search and select side by side: the form gets no taller than without the search.
    const row = document.createElement("div");
    row.className = "picker-row";
    select.before(row);
    row.append(search, select);
    const status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    select.after(status);

    search.addEventListener("input", () => {
      const words = fold(search.value).split(/\s+/).filter(Boolean);
      let shown = 0;
      let first = null;
      for (const option of select.querySelectorAll("option")) {
        if (!option.value) continue;
        const group = option.parentElement.tagName === "OPTGROUP" ? option.parentElement.label : "";
        const text = fold(`${group} ${option.textContent}`);
        const match = words.every((word) => text.includes(word));
        option.hidden = !match;
        option.disabled = !match && !option.selected;
        if (match) {
          shown += 1;
          first = first || option;
        }
      }
      for (const group of select.querySelectorAll("optgroup")) {
        group.hidden = ![...group.querySelectorAll("option")].some((o) => !o.hidden);
      }
      const current = select.selectedIndex < 0 ? null : select.options[select.selectedIndex];
      if (!select.multiple && first && words.length && (!current || !current.value || current.hidden)) {
        select.value = first.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
      status.textContent = (select.dataset.pickerFound || "%(count)s").replace("%(count)s", String(shown));
    });
  }

  // A service picker (data-preselects="<department select id>") chooses the department
  // responsible for the chosen service, as long as the department was not chosen by hand.
  function preselect(select) {
    const target = document.getElementById(select.dataset.preselects);
    if (!target) return;
    let proposed = target.value;
    select.addEventListener("change", () => {
      const option = select.selectedIndex < 0 ? null : select.options[select.selectedIndex];
      const department = (option && option.dataset.defaultDepartment) || "";
      if (target.value && target.value !== proposed) return; // the user's own choice
      const choice = department && target.querySelector(`option[value="${department}"]`);
      if (department && !choice) return;
      if (choice) {
        choice.hidden = false;
        choice.disabled = false;
      }
      target.value = department;
      proposed = department;
      target.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  const run = () => {
    document.querySelectorAll("select[data-picker]").forEach(enhance);
    document.querySelectorAll("select[data-preselects]").forEach(preselect);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
