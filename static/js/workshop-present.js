// The presenter view: live stage, keyboard controls, timer, and the agree/park panel.
(() => {
  "use strict";
  const main = document.querySelector("[data-presenter]");
  if (!main || !window.GapwiseLive) return;
  const live = window.GapwiseLive;
  const stageBox = main.querySelector("[data-stage]");
  const connection = main.querySelector("[data-connection]");
  const message = document.querySelector("[data-message]");
  const controls = document.querySelector("[data-controls] form");
  const decision = document.querySelector("[data-decision]");
  const toggle = document.querySelector("[data-toggle-decision]");
  const decisionForm = document.querySelector("[data-decision-form]");
  const notesForm = document.querySelector("[data-notes-form]");
  let state = null;

  function say(text) {
    message.textContent = text;
  }

  function itemUrl(form, itemId) {
    form.setAttribute("action", form.getAttribute("action").replace(/\/items\/\d+\//, `/items/${itemId}/`));
  }

  function showDecision(item) {
    if (!item) return;
    itemUrl(decisionForm, item.id);
    itemUrl(notesForm, item.id);
    decisionForm.querySelector('[name="current"]').value = item.agreed_current ?? "";
    decisionForm.querySelector('[name="target"]').value = item.agreed_target ?? "";
    decisionForm.querySelector('[name="rationale"]').value = item.rationale;
    notesForm.querySelector('[name="notes"]').value = item.notes;
  }

  function enableButtons(item) {
    const status = item ? item.status : "none";
    const allowed = {
      lock: status === "voting",
      reveal: status === "voting" || status === "locked",
      revote: status === "revealed",
      previous: !!item && item.position > 1,
      next: !item || item.position < item.count,
    };
    for (const button of controls.querySelectorAll("button[name=action]")) {
      button.disabled = !allowed[button.value];
    }
  }

  function onState(next) {
    // The next item is answered on other levels (an answer set): its choices come with the page.
    if (next.levels !== decisionForm.dataset.decisionLevels) return location.reload();
    const previous = state;
    state = next;
    stageBox.innerHTML = next.html;
    enableButtons(next.item);
    const waiting = document.querySelector("[data-joins-waiting]");
    waiting.hidden = !next.joins_waiting;
    waiting.querySelector("[data-joins-count]").textContent = next.joins_waiting;
    const moved = !previous || !previous.item || !next.item || previous.item.id !== next.item.id;
    if (moved) {
      showDecision(next.item);
      decision.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
    }
    if (next.item && next.item.status === "revealed" && previous && previous.item &&
        previous.item.id === next.item.id && previous.item.status !== "revealed") {
      openDecision(true);
    }
    live.tickTimers(stageBox);
  }

  function onConnection(up) {
    connection.textContent = up ? "" : "Reconnecting…";
  }

  function openDecision(open) {
    decision.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
  }

  // The presenter's actions reach the server one after another, in the order they were
  // taken: "reveal" then a quick "park" must not race (a park handled first is refused,
  // since only a revealed item can be decided).
  let sent = Promise.resolve();
  function inOrder(task) {
    sent = sent.then(task, task).catch(() => say("Something went wrong on this page: reload it."));
  }

  // A post the network dropped (or that hung) is an answer too: the presenter is told, and a
  // form keeps what was typed, to send again.
  async function send(url, data, unsent) {
    try {
      return await live.post(url, data);
    } catch (error) {
      if (!["TypeError", "TimeoutError", "AbortError"].includes(error.name)) throw error;
      return { ok: false, body: { detail: unsent } };
    }
  }

  // A form whose save failed holds text the server does not have. Moving to another item
  // would replace it with that item's, so the first move is held back and says why; a
  // second one moves on and leaves the text.
  const unsavedForms = new Set();
  let warnedAboutUnsaved = false;

  function holdsUnsavedText(action) {
    if (!["next", "previous"].includes(action) || unsavedForms.size === 0) return false;
    if (warnedAboutUnsaved) {
      unsavedForms.clear();
      warnedAboutUnsaved = false;
      return false;
    }
    warnedAboutUnsaved = true;
    say("Not moved: this item has text that is not saved. Save it, or move again to leave it.");
    return true;
  }

  function control(action) {
    const button = controls.querySelector(`button[value="${action}"]`);
    if ((button && button.disabled) || holdsUnsavedText(action)) return;
    say("");
    inOrder(async () => {
      const unsent = "Not sent: no connection. Try again when the network is back.";
      const result = await send(controls.getAttribute("action"), { action }, unsent);
      if (!result.ok) say(result.body.detail || "That did not work.");
    });
  }

  function submitForm(form, submitter) {
    const data = new FormData(form);
    if (submitter && submitter.name) data.set(submitter.name, submitter.value);
    data.delete("csrf_token");
    say("");
    inOrder(async () => {
      const unsent = "Not saved: no connection. Your text is kept; save again when the network is back.";
      const result = await send(form.getAttribute("action"), Object.fromEntries(data), unsent);
      if (result.ok) unsavedForms.delete(form);
      else unsavedForms.add(form);
      warnedAboutUnsaved = false;
      say(result.ok ? "Saved." : result.body.detail || "Not saved.");
    });
  }

  controls.addEventListener("submit", (event) => {
    event.preventDefault();
    control(event.submitter.value);
  });
  for (const form of [decisionForm, notesForm]) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submitForm(form, event.submitter);
    });
  }
  toggle.addEventListener("click", () => openDecision(decision.hidden));

  const keys = { ArrowRight: "next", n: "next", ArrowLeft: "previous", p: "previous", l: "lock", r: "reveal", v: "revote" };
  document.addEventListener("keydown", (event) => {
    if (event.target.closest("input, textarea, select") || event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    if (keys[key]) {
      event.preventDefault();
      control(keys[key]);
    } else if (key === "a") {
      openDecision(decision.hidden);
    } else if (key === "f") {
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen().catch(() => {});
    }
  });

  live.connect(main.dataset.events, onState, onConnection);
  setInterval(() => live.tickTimers(stageBox), 1000);
})();
