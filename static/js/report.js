// Report download with visible progress: the first render takes a few seconds, so say so,
// count the seconds, and hand the PDF over when it arrives. Without JavaScript the links
// simply download.
(() => {
  "use strict";
  const status = document.querySelector("[data-report-status]");
  if (!status) return;
  for (const link of document.querySelectorAll("a[data-report]")) {
    link.addEventListener("click", async (event) => {
      event.preventDefault();
      const started = Date.now();
      const tick = () => {
        status.textContent = `Preparing the report… ${Math.round((Date.now() - started) / 1000)} s`;
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
        save.download = link.dataset.report;
        save.click();
        URL.revokeObjectURL(url);
        status.textContent = `The report is ready (${Math.round((Date.now() - started) / 1000)} s).`;
      } catch (error) {
        status.textContent = `The report could not be prepared: ${error.message}`;
      } finally {
        clearInterval(timer);
        link.removeAttribute("aria-disabled");
      }
    });
  }
})();
