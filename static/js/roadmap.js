// The roadmap editor: one form for every initiative. Here a save happens in place (no
// reload, so the page stays where it is), Up and Down move an initiative at once (saved
// with the next save), and leaving with unsaved changes asks first. Drop, Add and Draft
// again still post the whole form, with every edit in it.
(() => {
  "use strict";
  const form = document.querySelector("form[data-roadmap-editor]");
  if (!form) return;
  const status = form.querySelector("[data-save-status]");
  const revision = form.querySelector("[data-revision]");
  const timeline = document.querySelector(".chart--timeline img");
  let dirty = false;
  let leaving = false;

  function say(text, state) {
    if (!status) return;
    status.textContent = text;
    status.dataset.state = state;
  }

  function changed() {
    dirty = true;
    say("Unsaved changes — press “Save roadmap” (or any Save) to keep them.", "unsaved");
  }

  function renumber() {
    form.querySelectorAll("[data-position]").forEach((input, index) => (input.value = index));
  }

  function move(button) {
    const item = button.closest("[data-item]");
    const sibling = button.dataset.move === "up" ? item.previousElementSibling : item.nextElementSibling;
    if (!sibling || !sibling.matches("[data-item]")) {
      say("It is already the " + (button.dataset.move === "up" ? "first" : "last") + " in its horizon.", "unsaved");
      return;
    }
    if (button.dataset.move === "up") sibling.before(item);
    else sibling.after(item);
    renumber();
    changed();
    button.focus();
  }

  async function save(button) {
    say("Saving…", "saving");
    const data = new FormData(form);
    if (button) data.append(button.name, button.value);
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: data,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const body = await response.json();
      if (!response.ok) {
        say(`Not saved: ${body.detail}`, "error");
        return;
      }
      revision.value = body.revision;
      dirty = false;
      say("All changes saved", "saved");
      if (timeline) timeline.src = timeline.src.replace(/(\?v=.*)?$/, `?v=${body.revision}`);
    } catch (error) {
      say("Not saved: the server could not be reached. Your changes are still on the page; try again.", "error");
    }
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (button && button.dataset.move) {
      event.preventDefault();
      move(button);
    } else if (button && button.name === "save") {
      if (!form.reportValidity()) return;
      event.preventDefault();
      save(button);
    } else if (!button || !button.dataset.confirm) {
      leaving = true; // Add: the whole form goes, every edit with it (Drop: once confirmed)
    }
  });
  // A confirmed Drop posts every edit with it; Draft again replaces everything on purpose.
  document.addEventListener("gapwise:confirmed", () => (leaving = true));
  window.addEventListener("beforeunload", (event) => {
    if (dirty && !leaving) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
