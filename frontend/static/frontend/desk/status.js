// The status bar: my ACD state, the pause toggle (drives the queue through the API; the ACD
// confirms with agent.state), waiting calls and the longest wait.

import { api, format } from "./api.js";

export class StatusBar {
  constructor({ labels, pauseUrl, onError }) {
    this.labels = labels;
    this.pauseUrl = pauseUrl;
    this.onError = onError;
    this.state = document.getElementById("desk-state");
    this.reason = document.getElementById("desk-state-reason");
    this.toggle = document.getElementById("pause-toggle");
    this.reasonSelect = document.getElementById("pause-reason");
    this.waiting = document.getElementById("desk-waiting");
    this.longest = document.getElementById("desk-longest");
    this.longestAt = null;
    this.acdState = "logged_out";
    this.pausedReason = "";
    this.callPhase = null;
    this.toggle.addEventListener("click", () => this.togglePause());
    window.setInterval(() => this.tick(), 1000);
  }

  // The ACD's state, unless the desk knows better: a call not yet wrapped up shows as
  // "in call" or "wrap-up" (the ACD has no wrap-up state of its own for us).
  setCall(phase) {
    this.callPhase = phase;
    this.render();
  }

  setState(state, pausedReason) {
    this.acdState = state;
    this.pausedReason = pausedReason;
    this.render();
  }

  render() {
    const acd = this.acdState || "logged_out";
    const state = this.callPhase && acd !== "ringing" ? this.callPhase : acd;
    const pausedReason = this.pausedReason;
    this.state.dataset.agentState = state;
    this.state.textContent = this.labels.states[state] || state;
    this.reason.textContent = state === "paused" && pausedReason ? ` (${pausedReason})` : "";
    const paused = acd === "paused";
    this.toggle.setAttribute("aria-pressed", paused ? "true" : "false");
    this.toggle.textContent = paused ? this.labels.resume : this.labels.pause;
  }

  setQueue(waitingCalls, longestWaitSeconds) {
    this.waiting.textContent = String(waitingCalls);
    this.longestAt = waitingCalls ? Date.now() - longestWaitSeconds * 1000 : null;
    this.tick();
  }

  tick() {
    if (this.longestAt === null) {
      this.longest.textContent = "–";
      return;
    }
    const seconds = Math.max(0, Math.round((Date.now() - this.longestAt) / 1000));
    this.longest.textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  }

  async togglePause() {
    const paused = this.acdState !== "paused";
    this.toggle.disabled = true;
    try {
      await api(this.pauseUrl, {
        method: "POST",
        body: { paused, reason: paused ? this.reasonSelect.value : "" },
      });
      this.onError("");
      this.toggle.title = this.labels.pauseRequested;
    } catch (error) {
      this.onError(format(this.labels.error, { message: error.message || error.code }));
    } finally {
      this.toggle.disabled = false;
    }
  }
}
