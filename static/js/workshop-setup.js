// The workshop's setup page: show people who join with the code as they arrive (the page
// reloads when the number waiting grows, unless you are typing). Ending it asks first through
// confirm.js, as every irreversible action does.
(() => {
  "use strict";
  const joins = document.querySelector("[data-joins-events]");
  if (!joins || !window.GapwiseLive) return;
  let waiting = Number(joins.dataset.waiting);
  window.GapwiseLive.connect(
    joins.dataset.joinsEvents,
    (state) => {
      const busy = document.activeElement && document.activeElement.closest("form");
      if (state.joins_waiting > waiting && !busy) location.reload();
      waiting = state.joins_waiting;
    },
    () => {},
  );
})();
