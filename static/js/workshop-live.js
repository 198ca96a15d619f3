// Live workshop screens: one EventSource per page, and form posts that ask for JSON.
// The server sends the whole state after every change (and on every reconnect), so a screen
// that missed updates while asleep or offline is right again with the next message.
(() => {
  "use strict";
  const csrfToken = () => document.querySelector('meta[name="csrf-token"]').content;
  let clockOffset = 0; // server seconds minus this device's
  const POST_TIMEOUT_MS = 15000;

  function connect(url, onState, onConnection) {
    const source = new EventSource(url);
    source.addEventListener("state", (event) => {
      const message = JSON.parse(event.data);
      clockOffset = message.now - Date.now() / 1000;
      onConnection(true);
      onState(message.state);
    });
    source.addEventListener("open", () => onConnection(true));
    source.addEventListener("error", () => onConnection(false)); // EventSource retries by itself
    return source;
  }

  async function post(url, data) {
    const response = await fetch(url, {
      method: "POST",
      headers: { Accept: "application/json", "X-CSRF-Token": csrfToken() },
      body: new URLSearchParams(data),
      credentials: "same-origin",
      signal: AbortSignal.timeout(POST_TIMEOUT_MS), // a network that hangs rather than fails
    });
    let body = {};
    try {
      body = await response.json();
    } catch (_) {
      body = { detail: `The server answered ${response.status}.` };
    }
    return { ok: response.ok, status: response.status, body };
  }

  function serverNow() {
    return Date.now() / 1000 + clockOffset;
  }

  function tickTimers(root) {
    for (const timer of root.querySelectorAll("[data-started-at]")) {
      const seconds = Math.max(0, Math.floor(serverNow() - Number(timer.dataset.startedAt)));
      timer.textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
    }
  }

  window.GapwiseLive = { connect, post, tickTimers };
})();
