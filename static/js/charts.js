// On a narrow screen charts keep a legible size and scroll sideways in their card, and the
// caption says so (app.css); a chart that fits its card is marked, so its caption does not.
// Without this script every chart on a narrow screen carries the hint.
(() => {
  "use strict";
  const figures = document.querySelectorAll("figure.chart");
  const mark = () => {
    for (const figure of figures) {
      figure.toggleAttribute("data-fits", figure.scrollWidth <= figure.clientWidth);
    }
  };
  for (const image of document.querySelectorAll("figure.chart img")) {
    if (!image.complete) image.addEventListener("load", mark);
  }
  window.addEventListener("resize", mark);
  mark();
})();
