// Progressive enhancement only: every page works without it.
// <details data-fold-below="768" open> stays open on wide screens and starts folded on narrow
// ones, so a phone shows the results first and the filters one tap away.
(function () {
  document.querySelectorAll("details[data-fold-below]").forEach(function (fold) {
    var width = parseInt(fold.getAttribute("data-fold-below"), 10);
    if (window.matchMedia("(max-width: " + (width - 1) + "px)").matches) {
      fold.removeAttribute("open");
    }
  });
})();
