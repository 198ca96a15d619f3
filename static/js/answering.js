// Autosave for the questionnaire. Each change is saved at once through the JSON endpoint.
// Until the server confirms a change, it is kept in localStorage, so a dropped network, a
// reload or a closed tab loses nothing: pending changes are shown again and re-sent.
(() => {
  "use strict";
  const form = document.querySelector("form[data-autosave]");
  if (!form || form.querySelector("fieldset[disabled]")) return;

  const url = form.dataset.autosave;
  const storageKey = form.dataset.storageKey;
  const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
  const status = form.querySelector("[data-save-status]");
  const MAX_RETRY_MS = 15000;
  let retryMs = 1000;
  let retryTimer = null;
  let sending = false;
  let stopped = false;
  const typingTimers = {};
  // Criteria ticked "not applicable" with no reason yet: not saved, and the page says so.
  const awaitingReason = new Set();

  const pending = () => JSON.parse(localStorage.getItem(storageKey) || "{}");
  const keep = (items) =>
    Object.keys(items).length
      ? localStorage.setItem(storageKey, JSON.stringify(items))
      : localStorage.removeItem(storageKey);

  const fieldsetOf = (id) => form.querySelector(`fieldset[data-criterion="${CSS.escape(id)}"]`);
  const input = (fieldset, name) =>
    fieldset.querySelector(`[name="${CSS.escape(fieldset.dataset.criterion + "." + name)}"]`);

  function levelOf(fieldset, field) {
    const name = CSS.escape(`${fieldset.dataset.criterion}.${field}`);
    const checked = fieldset.querySelector(`input[name="${name}"]:checked`);
    return checked ? Number(checked.value) : null;
  }

  function answerOf(fieldset) {
    return {
      criterion_id: fieldset.dataset.criterion,
      current: levelOf(fieldset, "current"),
      target: levelOf(fieldset, "target"),
      dont_know: input(fieldset, "dont_know").checked,
      comment: input(fieldset, "comment").value,
      not_applicable: input(fieldset, "not_applicable").checked,
      reason: input(fieldset, "reason").value,
    };
  }

  function show(fieldset, answer) {
    for (const field of ["current", "target"]) {
      const name = CSS.escape(`${answer.criterion_id}.${field}`);
      for (const radio of fieldset.querySelectorAll(`input[name="${name}"]`)) {
        radio.checked = answer[field] !== null && Number(radio.value) === answer[field];
      }
    }
    input(fieldset, "dont_know").checked = answer.dont_know;
    input(fieldset, "comment").value = answer.comment;
    input(fieldset, "not_applicable").checked = Boolean(answer.not_applicable);
    input(fieldset, "reason").value = answer.reason || "";
    showHint(fieldset);
  }

  function showHint(fieldset) {
    const current = levelOf(fieldset, "current");
    const target = levelOf(fieldset, "target");
    fieldset.querySelector("[data-hint-below]").hidden = !(
      current !== null && target !== null && target < current
    );
  }

  function say(text, state) {
    status.textContent = text;
    status.dataset.state = state;
  }

  function sayAwaitingReason() {
    const count = awaitingReason.size;
    say(`Not saved yet: ${count === 1 ? "a “Not applicable” needs" : `${count} “Not applicable” answers need`} a reason`, "unsaved");
  }

  function remember(answer) {
    const items = pending();
    items[answer.criterion_id] = answer;
    keep(items);
  }

  function showProgress(result) {
    document.querySelectorAll("[data-answered]").forEach((el) => (el.textContent = result.answered));
    document.querySelectorAll("[data-progress] progress").forEach((bar) => (bar.value = result.answered));
    for (const [areaId, answered] of Object.entries(result.areas)) {
      const item = document.querySelector(`[data-area-nav="${CSS.escape(areaId)}"]`);
      if (!item) continue;
      const total = Number(item.dataset.total);
      const count = item.querySelector("[data-area-count]");
      item.classList.toggle("is-complete", answered === total);
      count.textContent = answered === total ? "✓" : `${answered}/${total}`;
    }
  }

  function confirmed(answer, result) {
    const items = pending();
    // A newer change to the same criterion may have been made while this one was on its way.
    if (JSON.stringify(items[answer.criterion_id]) === JSON.stringify(answer)) {
      delete items[answer.criterion_id];
      keep(items);
    }
    const fieldset = fieldsetOf(answer.criterion_id);
    if (fieldset) fieldset.querySelector("[data-answer-status]").textContent = "";
    showProgress(result);
  }

  function refused(answer, code, detail) {
    const fieldset = fieldsetOf(answer.criterion_id);
    if (code === 422) {
      // The server will never take this answer as it is: say why, next to it.
      const items = pending();
      delete items[answer.criterion_id];
      keep(items);
      if (fieldset) fieldset.querySelector("[data-answer-status]").textContent = `Not saved: ${detail}`;
      return;
    }
    // Locked, expired link or expired form: keep the change in this browser and stop.
    stopped = true;
    say(`Not saved: ${detail} Your changes are kept in this browser.`, "error");
  }

  function retryLater() {
    const count = Object.keys(pending()).length;
    say(`Not saved — retrying (${count} unsaved ${count === 1 ? "change" : "changes"} kept in this browser)`, "retrying");
    clearTimeout(retryTimer);
    retryTimer = setTimeout(send, retryMs);
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  }

  async function send() {
    if (sending || stopped) return;
    const items = pending();
    const ids = Object.keys(items);
    if (!ids.length) {
      if (awaitingReason.size && !stopped) sayAwaitingReason();
      else say("All changes saved", "saved");
      return;
    }
    sending = true;
    say("Saving…", "saving");
    const answer = items[ids[0]];
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrfToken },
        body: JSON.stringify(answer),
        credentials: "same-origin",
      });
      if (response.status >= 500) throw new Error(`server answered ${response.status}`);
      const body = await response.json();
      if (response.ok) confirmed(answer, body);
      else refused(answer, response.status, body.detail);
    } catch (error) {
      sending = false;
      retryLater();
      return;
    }
    sending = false;
    retryMs = 1000;
    send();
  }

  function changed(event) {
    const fieldset = event.target.closest("fieldset[data-criterion]");
    if (!fieldset) return;
    const name = event.target.name || "";
    // Levels, don't know and not applicable exclude one another: choosing one clears the rest.
    if (name.endsWith(".dont_know") && event.target.checked) {
      fieldset.querySelectorAll('input[type="radio"]').forEach((radio) => (radio.checked = false));
      input(fieldset, "not_applicable").checked = false;
    } else if (name.endsWith(".not_applicable") && event.target.checked) {
      fieldset.querySelectorAll('input[type="radio"]').forEach((radio) => (radio.checked = false));
      input(fieldset, "dont_know").checked = false;
    } else if (event.target.type === "radio") {
      input(fieldset, "dont_know").checked = false;
      input(fieldset, "not_applicable").checked = false;
    }
    showHint(fieldset);
    const reason = input(fieldset, "reason");
    if (input(fieldset, "not_applicable").checked && !reason.value.trim()) {
      // Saved once there is a reason: ask for it next to the box, and wait, saying so.
      fieldset.querySelector("[data-answer-status]").textContent =
        "Say in a few words why it does not apply; it is saved as soon as you do.";
      if (event.type === "change" && name.endsWith(".not_applicable")) reason.focus();
      // What was typed and deleted before a save (a reason "b") must not be sent after all.
      const id = fieldset.dataset.criterion;
      clearTimeout(typingTimers[id]);
      const items = pending();
      if (id in items) {
        delete items[id];
        keep(items);
      }
      awaitingReason.add(id);
      if (!sending && !stopped) sayAwaitingReason();
      return;
    }
    awaitingReason.delete(fieldset.dataset.criterion);
    remember(answerOf(fieldset));
    if (event.type === "input") {
      // Typing: kept in the browser at once, sent when the typing pauses.
      clearTimeout(typingTimers[fieldset.dataset.criterion]);
      typingTimers[fieldset.dataset.criterion] = setTimeout(send, 700);
    } else {
      send();
    }
  }

  form.addEventListener("change", changed);
  form.addEventListener(
    "input",
    (event) => (event.target.tagName === "TEXTAREA" || event.target.type === "text") && changed(event),
  );
  form.addEventListener("submit", (event) => {
    if (!navigator.onLine) {
      event.preventDefault();
      say("You are offline. Your answers are kept in this browser and will be saved when the connection returns.", "retrying");
    }
  });
  window.addEventListener("beforeunload", (event) => {
    if (awaitingReason.size) event.preventDefault(); // the browser asks before leaving
  });
  window.addEventListener("online", () => {
    clearTimeout(retryTimer);
    retryMs = 1000;
    send();
  });

  // Changes made before a reload or a lost connection: show them again and send them.
  for (const answer of Object.values(pending())) {
    const fieldset = fieldsetOf(answer.criterion_id);
    if (fieldset) show(fieldset, answer);
  }
  send();
})();
