// The wrap-up form: outcome, department (pre-selected from the linked article), note, how the
// caller gets the response (with consent for contact data). Ctrl+Enter saves.
//
// The server is the one validation: a refused wrap-up comes back with every incomplete field
// named (extra.fields), and each message is shown at its field. What the agent types is kept
// as a server-side draft (PUT …/wrap-up/draft), so a reload or a second tab finds it; once
// saved, the card shows what was saved and the same form amends it (…/wrap-up/amend) while
// the call lasts.

import { api, format } from "./api.js";

const NEEDS_CONTACT = new Set(["escalated", "callback"]);
const DRAFT_DELAY_MS = 400;
// Field names of the API's errors → the form's controls.
const CONTROLS = {
  outcome: "input[name=outcome]",
  department: "#wrapup-department",
  note: "#wrapup-note",
  "caller.response_channel": "#wrapup-channel",
  "caller.consent": "#wrapup-consent",
  "caller.name": "#wrapup-name",
  "caller.phone": "#wrapup-phone",
  "caller.email": "#wrapup-email",
  "caller.address": "#wrapup-address",
};

export class WrapUp {
  constructor({ labels, wrapUpUrl, onSaved, onConflict, onDiscarded }) {
    this.labels = labels;
    this.wrapUpUrl = wrapUpUrl;
    this.onSaved = onSaved;
    this.onConflict = onConflict;
    this.onDiscarded = onDiscarded;
    this.form = document.getElementById("wrapup-form");
    this.error = document.getElementById("wrapup-error");
    this.department = document.getElementById("wrapup-department");
    this.departmentRow = document.getElementById("wrapup-department-row");
    this.caller = document.getElementById("wrapup-caller");
    this.channelRow = document.getElementById("wrapup-channel-row");
    this.note = document.getElementById("wrapup-note");
    this.articleInfo = document.getElementById("wrapup-article");
    this.save = document.getElementById("wrapup-save");
    this.saveLabel = document.getElementById("wrapup-save-label");
    this.discard = document.getElementById("wrapup-discard");
    this.savedBox = document.getElementById("wrapup-saved");
    this.call = null;
    this.service = null;
    this.saved = null;
    this.dirty = false;
    this.departmentTouched = false;
    this.draftTimer = 0;
    this.draftInFlight = null;
    this.form.addEventListener("change", (event) => {
      if (event.target === this.department) this.departmentTouched = true;
      this.sync();
      this.changed();
    });
    this.form.addEventListener("input", () => this.changed());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.discard.addEventListener("click", () => this.discardChanges());
  }

  url(suffix = "") {
    return this.wrapUpUrl.replace("{id}", String(this.call.call_id)) + suffix;
  }

  outcome() {
    return this.form.elements.outcome.value;
  }

  // A call shown afresh (answered, or restored by a reload): its draft, else its saved wrap-up.
  reset(call) {
    this.call = call;
    this.service = null;
    this.departmentTouched = false;
    this.dirty = false;
    window.clearTimeout(this.draftTimer);
    this.form.reset();
    this.articleInfo.textContent = "";
    this.showErrors({}, "");
    const state = call.wrap_up || {};
    this.setSaved(state.saved || null);
    if (state.draft) {
      this.fill(state.draft);
      this.dirty = Boolean(this.saved);
    } else if (this.saved) {
      this.fill(this.saved);
    }
    this.sync();
  }

  // A later snapshot of the same call (resync): take the server's state unless the agent is
  // in the middle of typing here.
  update(call) {
    const state = call.wrap_up || {};
    this.call = call;
    const savedVersion = state.saved ? state.saved.ticket.version : null;
    const shownVersion = this.saved ? this.saved.ticket.version : null;
    if (savedVersion !== shownVersion && !this.dirty) this.reset(call);
    else if (state.saved) this.setSaved(state.saved);
  }

  fill(data) {
    const el = this.form.elements;
    if (data.outcome) {
      for (const radio of el.outcome) radio.checked = radio.value === data.outcome;
    }
    this.note.value = data.note || "";
    this.department.value = data.department ? String(data.department) : "";
    if (data.department) this.departmentTouched = true;
    const caller = data.caller || {};
    el.consent.checked = Boolean(caller.consent);
    el.name.value = caller.name || "";
    el.phone.value = caller.phone || "";
    el.email.value = caller.email || "";
    el.address.value = caller.address || "";
    el.response_channel.value = caller.response_channel || "";
    if (data.service) this.link(data.service, { keepDraft: true });
  }

  setSaved(saved) {
    this.saved = saved;
    const amending = Boolean(saved);
    this.form.dataset.mode = amending ? "amend" : "new";
    this.saveLabel.textContent = amending ? this.labels.saveAmendment : this.labels.saveWrapUp;
    this.discard.hidden = !amending;
    this.savedBox.hidden = !amending;
    if (!amending) return;
    const when = new Date(saved.wrapped_up_at).toLocaleTimeString(document.documentElement.lang || "de", { hour: "2-digit", minute: "2-digit" });
    document.getElementById("wrapup-saved-status").textContent = format(
      saved.amendable ? this.labels.savedAmendable : this.labels.savedFinal,
      { time: when, number: saved.ticket.number, status: this.labels.ticketStatus[saved.ticket.status] || saved.ticket.status },
    );
    const facts = document.getElementById("wrapup-saved-facts");
    facts.replaceChildren();
    const add = (term, value) => {
      if (!value) return;
      const dt = document.createElement("dt");
      dt.textContent = term;
      const dd = document.createElement("dd");
      dd.textContent = value;
      facts.append(dt, dd);
    };
    const radio = [...this.form.elements.outcome].find((r) => r.value === saved.outcome);
    add(this.labels.outcome, radio ? radio.parentElement.textContent.trim() : saved.outcome);
    add(this.labels.article, saved.service ? saved.service.title : "");
    const dept = saved.department ? this.department.querySelector(`option[value="${saved.department}"]`) : null;
    add(this.labels.department, dept ? dept.textContent : "");
    add(this.labels.note, saved.note);
    const channel = this.form.elements.response_channel.querySelector(`option[value="${saved.caller.response_channel}"]`);
    add(this.labels.responseBy, saved.caller.response_channel && channel ? channel.textContent : "");
    add(this.labels.contact, [saved.caller.name, saved.caller.phone, saved.caller.email, saved.caller.address].filter(Boolean).join(", "));
  }

  link(service, { keepDraft = false } = {}) {
    this.service = service;
    this.articleInfo.textContent = format(this.labels.linked, { title: service.title });
    if (service.defaultDepartment && !this.departmentTouched) {
      this.department.value = String(service.defaultDepartment);
    }
    if (!keepDraft) this.changed({ now: true });
  }

  sync() {
    const outcome = this.outcome();
    this.departmentRow.hidden = outcome !== "escalated";
    this.caller.hidden = !NEEDS_CONTACT.has(outcome);
    // A callback request is answered by callback: the outcome is the channel.
    this.channelRow.hidden = outcome === "callback";
    if (outcome === "escalated") this.note.setAttribute("aria-required", "true");
    else this.note.removeAttribute("aria-required");
  }

  // Keep what was typed on the server (debounced; at once when an article is linked).
  changed({ now = false } = {}) {
    if (!this.call) return;
    this.dirty = true;
    window.clearTimeout(this.draftTimer);
    this.draftTimer = window.setTimeout(() => this.saveDraft(), now ? 0 : DRAFT_DELAY_MS);
  }

  saveDraft() {
    if (!this.call || !this.dirty) return this.draftInFlight;
    const body = { ...this.payload(), version: undefined };
    const previous = this.draftInFlight || Promise.resolve();
    this.draftInFlight = previous.then(() => api(this.url("/draft"), { method: "PUT", body }).catch(() => {
      // A lost draft only matters after a reload; the form itself still holds the input.
    }));
    return this.draftInFlight;
  }

  async discardChanges() {
    if (!this.call) return;
    window.clearTimeout(this.draftTimer);
    try {
      await api(this.url("/draft"), { method: "DELETE" });
    } catch {
      /* the next resync shows the server's state either way */
    }
    this.dirty = false;
    const saved = this.saved;
    this.form.reset();
    this.showErrors({}, "");
    if (saved) this.fill(saved);
    this.sync();
    if (this.onDiscarded) this.onDiscarded();
  }

  showErrors(fields, message) {
    this.error.textContent = message;
    this.error.hidden = !message;
    for (const p of this.form.querySelectorAll("[data-error-for]")) {
      const text = fields[p.dataset.errorFor] || "";
      p.textContent = text;
      p.hidden = !text;
    }
    for (const [name, selector] of Object.entries(CONTROLS)) {
      for (const control of this.form.querySelectorAll(selector)) {
        const errorId = this.form.querySelector(`[data-error-for="${name}"]`)?.id;
        const described = (control.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && id !== errorId);
        if (fields[name]) {
          control.setAttribute("aria-invalid", "true");
          if (errorId) described.push(errorId);
        } else {
          control.removeAttribute("aria-invalid");
        }
        if (described.length) control.setAttribute("aria-describedby", described.join(" "));
        else control.removeAttribute("aria-describedby");
      }
    }
  }

  payload() {
    const outcome = this.outcome();
    const body = { outcome, note: this.note.value };
    const version = this.saved ? this.saved.ticket.version : this.call?.ticket?.version;
    if (version) body.version = version;
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
        response_channel: outcome === "callback" ? "" : el.response_channel.value,
      };
    }
    return body;
  }

  async submit() {
    if (!this.call || this.save.disabled) return;
    this.save.disabled = true;
    window.clearTimeout(this.draftTimer);
    // A draft still on its way must not land after the wrap-up it precedes.
    await this.draftInFlight;
    this.showErrors({}, "");
    const amending = Boolean(this.saved);
    try {
      const result = await api(this.url(amending ? "/amend" : ""), { method: "POST", body: this.payload() });
      this.dirty = false;
      this.onSaved(result, { amended: amending });
    } catch (error) {
      if (error.status === 409) {
        this.dirty = false;
        this.showErrors({}, error.code === "stale_version" ? this.labels.conflict : error.message);
        this.onConflict();
      } else if (error.status === 0) {
        this.showErrors({}, this.labels.networkError);
      } else {
        const fields = error.extra.fields || {};
        this.showErrors(fields, format(this.labels.error, { message: error.message || error.code }));
        const [name] = Object.keys(fields);
        const target = name && this.form.querySelector(CONTROLS[name] || "#none");
        if (target && !target.closest("[hidden]")) target.focus();
        else this.error.focus?.();
      }
    } finally {
      this.save.disabled = false;
    }
  }
}
