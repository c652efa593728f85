// The desk's websocket: reconnects by itself with capped exponential backoff (and jitter),
// detects a dead connection by ping/pong, and calls onOnline after every (re)connect so the
// desk resynchronises from the REST API what it may have missed.

const PING_MS = 10000;
const CLOSE_UNAUTHENTICATED = 4401;
// Logout, deactivation or a password change while the socket was open.
const CLOSE_ACCESS_REVOKED = 4403;

export class Live {
  constructor({ path, onEvent, onOnline, onOffline, minDelay = 500, maxDelay = 15000 }) {
    this.url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
    this.onEvent = onEvent;
    this.onOnline = onOnline;
    this.onOffline = onOffline;
    this.minDelay = minDelay;
    this.maxDelay = maxDelay;
    this.attempts = 0;
    this.socket = null;
    this.timer = 0;
    this.pingTimer = 0;
    this.lastMessage = 0;
    this.online = false;
  }

  start() {
    window.addEventListener("offline", () => this.drop());
    window.addEventListener("online", () => this.reconnectNow());
    this.connect();
  }

  connect() {
    window.clearTimeout(this.timer);
    if (!navigator.onLine) {
      this.setOffline();
      this.schedule();
      return;
    }
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.schedule();
      return;
    }
    this.socket = socket;
    socket.addEventListener("message", (message) => this.receive(socket, message));
    socket.addEventListener("close", (event) => {
      if (this.socket !== socket) return;
      if (event.code === CLOSE_UNAUTHENTICATED || event.code === CLOSE_ACCESS_REVOKED) {
        // The session has ended: reloading leads to the login page instead of retrying forever.
        window.location.reload();
        return;
      }
      this.socket = null;
      this.setOffline();
      this.schedule();
    });
  }

  receive(socket, message) {
    if (socket !== this.socket) return;
    this.lastMessage = Date.now();
    let event;
    try {
      event = JSON.parse(message.data);
    } catch {
      return;
    }
    if (event.type === "hello") {
      this.attempts = 0;
      this.online = true;
      this.startPing(socket);
      this.onOnline();
    } else if (event.type !== "pong") {
      this.onEvent(event);
    }
  }

  startPing(socket) {
    window.clearInterval(this.pingTimer);
    this.pingTimer = window.setInterval(() => {
      if (socket !== this.socket) return;
      if (Date.now() - this.lastMessage > PING_MS * 2.5) {
        this.drop();
        return;
      }
      try {
        socket.send(JSON.stringify({ type: "ping" }));
      } catch {
        this.drop();
      }
    }, PING_MS);
  }

  drop() {
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      try {
        socket.close();
      } catch {
        /* already closed */
      }
    }
    this.setOffline();
    this.schedule();
  }

  reconnectNow() {
    if (this.socket) return;
    this.attempts = 0;
    this.connect();
  }

  setOffline() {
    window.clearInterval(this.pingTimer);
    this.online = false;
    this.onOffline();
  }

  schedule() {
    window.clearTimeout(this.timer);
    const base = Math.min(this.maxDelay, this.minDelay * 2 ** this.attempts);
    this.attempts += 1;
    this.timer = window.setTimeout(() => this.connect(), base / 2 + Math.random() * (base / 2));
  }
}
