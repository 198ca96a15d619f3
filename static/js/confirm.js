// Ask before an irreversible or disruptive action. A form (or its submit button) carrying
// data-confirm="question" is posted only after the person agrees in the page's <dialog>;
// it is then posted with confirmed=yes. Without this script the server asks on a page.
(() => {
  "use strict";
  const dialog = document.querySelector("[data-confirm-dialog]");
  if (!dialog || typeof dialog.showModal !== "function") return;
  const question = dialog.querySelector("[data-confirm-question]");
  const consequence = dialog.querySelector("[data-confirm-consequence]");
  const yes = dialog.querySelector("[data-confirm-yes]");
  let pending = null; // the form and the button that asked

  document.addEventListener("submit", (event) => {
    const form = event.target;
    const button = event.submitter;
    const asking = button && button.dataset.confirm ? button : form;
    if (!asking.dataset.confirm || form.querySelector('input[name="confirmed"]')) return;
    event.preventDefault();
    pending = { form, button };
    question.textContent = asking.dataset.confirm;
    consequence.textContent = asking.dataset.confirmDetail || "";
    yes.textContent = asking.dataset.confirmButton || "Yes";
    dialog.returnValue = "";
    dialog.showModal();
    yes.focus();
  });

  dialog.addEventListener("close", () => {
    const asked = pending;
    pending = null;
    if (!asked || dialog.returnValue !== "yes") {
      if (asked && asked.button) asked.button.focus();
      return;
    }
    const confirmed = document.createElement("input");
    Object.assign(confirmed, { type: "hidden", name: "confirmed", value: "yes" });
    asked.form.append(confirmed);
    document.dispatchEvent(new CustomEvent("gapwise:confirmed", { detail: asked.form }));
    asked.form.requestSubmit(asked.button || undefined);
  });
})();
