// "Copy" buttons: data-copy="#field" copies that field's text. Hidden without this script
// (the fields themselves can still be selected and copied by hand).
(() => {
  "use strict";
  for (const button of document.querySelectorAll("[data-copy]")) {
    const field = document.querySelector(button.dataset.copy);
    if (!field) continue;
    const label = button.innerHTML;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(field.value);
      } catch {
        field.classList.remove("visually-hidden");
        field.select();
        document.execCommand("copy");
      }
      button.textContent = "Copied";
      setTimeout(() => (button.innerHTML = label), 2000);
    });
  }
})();
