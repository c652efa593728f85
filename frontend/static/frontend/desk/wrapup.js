// The wrap-up form: outcome, department (pre-selected from the linked article), note, caller
// contact with consent (only for outcomes that owe a response). Ctrl+Enter saves.

import { api, format } from "./api.js";

const NEEDS_CONTACT = new Set(["escalated", "callback"]);

export class WrapUp {
  constructor({ labels, wrapUpUrl, onSaved, onConflict }) {
    this.labels = labels;
    this.wrapUpUrl = wrapUpUrl;
    this.onSaved = onSaved;
    this.onConflict = onConflict;
    this.form = document.getElementById("wrapup-form");
    this.error = document.getElementById("wrapup-error");
    this.department = document.getElementById("wrapup-department");
    this.departmentRow = document.getElementById("wrapup-department-row");
    this.caller = document.getElementById("wrapup-caller");
    this.note = document.getElementById("wrapup-note");
    this.articleInfo = document.getElementById("wrapup-article");
    this.save = document.getElementById("wrapup-save");
    this.call = null;
    this.service = null;
    this.departmentTouched = false;
    this.form.addEventListener("change", (event) => {
      if (event.target === this.department) this.departmentTouched = true;
      this.sync();
    });
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
  }

  outcome() {
    return this.form.elements.outcome.value;
  }

  reset(call) {
    this.call = call;
    this.service = null;
    this.departmentTouched = false;
    this.form.reset();
    this.articleInfo.textContent = "";
    this.showError("");
    this.sync();
  }

  link(service) {
    this.service = service;
    this.articleInfo.textContent = format(this.labels.linked, { title: service.title });
    if (service.defaultDepartment && !this.departmentTouched) {
      this.department.value = service.defaultDepartment;
    }
  }

  sync() {
    const outcome = this.outcome();
    this.departmentRow.hidden = outcome !== "escalated";
    this.caller.hidden = !NEEDS_CONTACT.has(outcome);
    if (outcome === "escalated") this.note.setAttribute("aria-required", "true");
    else this.note.removeAttribute("aria-required");
  }

  showError(message) {
    this.error.textContent = message;
    this.error.hidden = !message;
  }

  payload() {
    const outcome = this.outcome();
    const body = { outcome, note: this.note.value };
    if (this.call && this.call.ticket && this.call.ticket.version) body.version = this.call.ticket.version;
    if (this.service) body.service = this.service.id;
    if (outcome === "escalated" && this.department.value) body.department = Number(this.department.value);
    if (NEEDS_CONTACT.has(outcome)) {
      const el = this.form.elements;
      body.caller = {
        consent: el.consent.checked,
        name: el.name.value,
        phone: el.phone.value,
        email: el.email.value,
        address: el.address.value,
        response_channel: outcome === "callback" ? "callback" : el.response_channel.value,
      };
    }
    return body;
  }

  async submit() {
    if (!this.call || this.save.disabled) return;
    if (this.outcome() === "escalated" && !this.note.value.trim()) {
      this.showError(this.labels.noteRequired);
      this.note.focus();
      return;
    }
    this.save.disabled = true;
    this.showError("");
    try {
      const result = await api(this.wrapUpUrl.replace("{id}", String(this.call.call_id)), {
        method: "POST",
        body: this.payload(),
      });
      this.onSaved(result);
    } catch (error) {
      if (error.status === 409 && error.code === "stale_version") {
        this.showError(this.labels.conflict);
        this.onConflict();
      } else if (error.status === 0) {
        this.showError(this.labels.networkError);
      } else {
        this.showError(format(this.labels.error, { message: error.message || error.code }));
        // Field errors are always {"fields": {name: message}}; focus the first one named.
        const [name] = Object.keys(error.extra.fields || {});
        const field = String(name || "").replace("caller.", "");
        const target = this.form.elements[field];
        if (target && typeof target.focus === "function") target.focus();
      }
    } finally {
      this.save.disabled = false;
    }
  }
}
