// Level anchors on the questionnaire. Without this script each criterion lists what every level
// means for it. With it, the list folds away and two lines under the buttons say what the level
// pointed at, focused or chosen means, for today and for the target: on a phone, where the
// buttons show only numbers, a tap is enough.
(() => {
  "use strict";

  function levelOf(help, value) {
    return help.querySelector(`[data-anchor-level="${CSS.escape(String(value))}"]`);
  }

  function fieldOf(input) {
    return input.name.slice(input.name.lastIndexOf(".") + 1);
  }

  function setUp(fieldset) {
    const help = fieldset.querySelector("[data-anchors]");
    if (!help) return;
    const live = help.querySelector("[data-anchor-live]");
    const prompt = live.querySelector("[data-anchor-prompt]");
    const inputs = [...fieldset.querySelectorAll(".levels__input")];

    function line(field) {
      return live.querySelector(`[data-anchor-line="${field}"]`);
    }

    function titleOf(field) {
      const input = inputs.find((each) => fieldOf(each) === field);
      return input.closest(".levels").querySelector(".levels__title").textContent.trim();
    }

    // A line per field with a level to describe; the prompt only while neither has one.
    function describe(field, input) {
      const target = line(field);
      const level = input ? levelOf(help, input.value) : null;
      target.hidden = !level;
      target.classList.toggle("is-preview", Boolean(input && !input.checked));
      if (level) {
        // A scale level is named by its value and label, an answer of an answer set by its label.
        const { anchorValue, anchorLabel, anchorText } = level.dataset;
        const name = anchorValue === undefined ? anchorLabel : `${anchorValue} · ${anchorLabel}`;
        target.textContent = `${titleOf(field)} ${name}${anchorText ? `: ${anchorText}` : ""}`;
      }
      prompt.hidden = !line("current").hidden || !line("target").hidden;
    }

    function showChosen(field) {
      describe(field, inputs.find((each) => fieldOf(each) === field && each.checked));
    }

    function preview(event) {
      const input = event.target.closest(".levels__option")
        ? fieldset.querySelector(`#${CSS.escape(event.target.closest(".levels__option").htmlFor)}`)
        : event.target.closest(".levels__input");
      if (input) describe(fieldOf(input), input);
    }

    function showBoth() {
      showChosen("current");
      showChosen("target");
    }

    function settle(event) {
      if (event.target.closest(".levels__input, .levels__option")) showBoth();
    }

    help.querySelector("[data-anchor-list]").open = false;
    live.hidden = false;
    showBoth();
    fieldset.addEventListener("pointerover", preview);
    fieldset.addEventListener("pointerout", settle);
    fieldset.addEventListener("focusin", preview);
    fieldset.addEventListener("focusout", settle);
    // A click, tap or arrow key shows the new level at once. "Don't know" clears both levels in
    // answering.js, whose listener on the form runs after this one: look once it has.
    fieldset.addEventListener("change", (event) => {
      if (event.target.matches(".levels__input")) describe(fieldOf(event.target), event.target);
      else if (event.target.type === "checkbox") setTimeout(showBoth);
    });
  }

  document.querySelectorAll("fieldset[data-criterion]").forEach(setUp);
})();
