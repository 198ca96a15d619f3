// A participant's phone: follows the room live and sends the vote. A vote made offline is
// kept in this browser and sent when the network is back, if that round is still open.
(() => {
  "use strict";
  const waiting = document.querySelector("[data-join-waiting]");
  if (waiting) {
    // Joined with the code: check every two seconds whether the facilitator let us in.
    setInterval(async () => {
      const response = await fetch(location.href, { headers: { Accept: "application/json" }, redirect: "manual" });
      if (response.type === "opaqueredirect" || response.status === 303) location.reload();
      else if (response.ok && (await response.json()).status !== "waiting") location.reload();
    }, 2000);
    return;
  }
  const phone = document.querySelector("[data-phone]");
  const form = phone && phone.querySelector("[data-vote-form]");
  if (!form || !window.GapwiseLive) return;
  const live = window.GapwiseLive;
  const stageBox = phone.querySelector("[data-stage]");
  const status = form.querySelector("[data-vote-status]");
  const sendButton = form.querySelector(".vote__send");
  const itemInput = form.querySelector("[data-vote-item]");
  const roundInput = form.querySelector("[data-vote-round]");
  const storageKey = phone.dataset.storageKey;
  let retryTimer = null;
  let touched = false; // the person chose a level since the item last changed
  phone.querySelector("[data-no-script]").hidden = true;

  const pending = () => JSON.parse(localStorage.getItem(storageKey) || "null");
  const keep = (vote) => (vote ? localStorage.setItem(storageKey, JSON.stringify(vote)) : localStorage.removeItem(storageKey));

  function say(text, kind) {
    status.textContent = text;
    status.dataset.state = kind || "";
  }

  function choose(vote) {
    for (const field of ["current", "target"]) {
      for (const radio of form.querySelectorAll(`input[name="${field}"]`)) {
        radio.checked = vote !== null && Number(radio.value) === vote[field];
      }
    }
    sendButton.textContent = vote ? "Change my vote" : "Send my vote";
  }

  async function loadMine() {
    const response = await fetch(phone.dataset.mine, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const mine = await response.json();
    const unsent = pending();
    if (unsent && String(unsent.item) === String(mine.item) && String(unsent.round) === String(mine.round)) {
      choose({ current: Number(unsent.current), target: Number(unsent.target) });
      send();
      return;
    }
    if (touched) return; // never undo a choice being made while this was loading
    choose(mine.vote);
    if (mine.vote) say(`Your vote is in: today ${mine.vote.current}, target ${mine.vote.target}. You can change it until voting closes.`, "saved");
    else say("Nobody sees your vote until the facilitator reveals them all.");
  }

  function onState(state) {
    // The next item is answered on other levels (an answer set): its choices come with the page.
    if (state.levels !== form.dataset.voteLevels) return location.reload();
    const item = state.item;
    const moved = String(item ? item.id : "") !== itemInput.value || String(item ? item.round : "") !== roundInput.value;
    stageBox.innerHTML = state.html;
    form.hidden = !(state.live && item && item.status === "voting");
    itemInput.value = item ? item.id : "";
    roundInput.value = item ? item.round : "";
    if (moved) {
      touched = false;
      choose(null);
      say("Nobody sees your vote until the facilitator reveals them all.");
      if (item) loadMine();
    }
    else if (!moved && pending()) send();
  }

  async function send() {
    const vote = pending();
    if (!vote) return;
    clearTimeout(retryTimer);
    say("Sending your vote…", "saving");
    let result;
    try {
      result = await live.post(form.getAttribute("action"), vote);
    } catch (_) {
      say("Not sent yet — no connection. Your vote is kept on this phone and sent when you are back online.", "retrying");
      retryTimer = setTimeout(send, 2000);
      return;
    }
    keep(null);
    if (result.ok) {
      sendButton.textContent = "Change my vote";
      say(`Your vote is in: today ${vote.current}, target ${vote.target}. You can change it until voting closes.`, "saved");
    } else {
      say(`Not counted: ${result.body.detail}`, "error");
    }
  }

  form.addEventListener("change", () => (touched = true));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    if (!data.get("current") || !data.get("target")) {
      say("Choose a level for today and one for the target.", "error");
      return;
    }
    keep({ item: data.get("item"), round: data.get("round"), current: data.get("current"), target: data.get("target") });
    send();
  });
  window.addEventListener("online", send);

  live.connect(phone.dataset.events, onState, (up) => {
    if (!up && !status.dataset.state) say("Reconnecting…", "retrying");
  });
})();
