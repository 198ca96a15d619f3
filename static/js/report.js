// Report and deck downloads with visible progress: the first render takes a few seconds, so
// say so, count the seconds, and hand the file over, under the name the server gives it, when
// it arrives. Without JavaScript the links simply download.
// A narrative typed but not saved is not in the files: a download waits for it to be saved,
// and leaving the page asks first.
(() => {
  "use strict";
  const status = document.querySelector("[data-report-status]");
  if (!status) return;
  const narrative = document.querySelector(".narrative-form");
  // A save the server refused comes back with the text in the form, still not saved.
  let unsaved = Boolean(narrative && narrative.hasAttribute("data-unsaved"));
  if (narrative) {
    narrative.addEventListener("input", () => (unsaved = true));
    narrative.addEventListener("submit", () => (unsaved = false));
    window.addEventListener("beforeunload", (event) => {
      if (unsaved) event.preventDefault(); // the browser asks before leaving
    });
  }
  // The UTF-8 name from `filename*=UTF-8''…`, else the plain `filename="…"`.
  const fileName = (header) => {
    const encoded = /filename\*=UTF-8''([^;]+)/i.exec(header);
    if (encoded) return decodeURIComponent(encoded[1]);
    const plain = /filename="([^"]+)"/i.exec(header);
    return plain ? plain[1] : "download";
  };
  for (const link of document.querySelectorAll("a[data-report]")) {
    link.addEventListener("click", async (event) => {
      event.preventDefault();
      if (unsaved) {
        status.textContent = "Your narrative has unsaved changes, which the files would not include: save the narrative first, then download.";
        status.dataset.state = "unsaved"; // said where the click was: the page stays put
        return;
      }
      delete status.dataset.state;
      const started = Date.now();
      const tick = () => {
        status.textContent = `Preparing ${link.dataset.report || "the report"}… ${Math.round((Date.now() - started) / 1000)} s`;
      };
      tick();
      const timer = setInterval(tick, 1000);
      link.setAttribute("aria-disabled", "true");
      try {
        const response = await fetch(link.href, { credentials: "same-origin" });
        if (!response.ok) {
          const body = await response.json().catch(() => ({}));
          throw new Error(body.detail || `the server answered ${response.status}`);
        }
        const url = URL.createObjectURL(await response.blob());
        const save = document.createElement("a");
        save.href = url;
        save.download = fileName(response.headers.get("Content-Disposition") || "");
        save.click();
        URL.revokeObjectURL(url);
        status.textContent = `Ready (${Math.round((Date.now() - started) / 1000)} s).`;
      } catch (error) {
        status.textContent = `It could not be prepared: ${error.message}`;
      } finally {
        clearInterval(timer);
        link.removeAttribute("aria-disabled");
      }
    });
  }
})();
