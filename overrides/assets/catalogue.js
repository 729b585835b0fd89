/* Evidence catalogue: reveal hidden (graphic) media only when the reader asks.
 * A hidden figure has no image source until revealed, so nothing is fetched
 * before the reader's choice; its alt text and caption stay out of the
 * accessibility tree until then. Without JavaScript, the "Show" link opens the
 * image file itself, again only on request. */
(function () {
  "use strict";

  function reveal(figure) {
    if (!figure || !figure.hasAttribute("data-ec-hidden")) return;
    var img = figure.querySelector("img[data-src]");
    var link = figure.querySelector(".ec-revealed");
    img.alt = img.getAttribute("data-alt") || "";
    img.src = img.getAttribute("data-src");
    img.removeAttribute("data-src");
    link.hidden = false;
    figure.querySelector("figcaption").hidden = false;
    figure.querySelector(".ec-veil").hidden = true;
    figure.removeAttribute("data-ec-hidden");
    figure.classList.remove("ec-figure--hidden");
    // Keep keyboard users where they were: focus moves to the revealed image link.
    link.focus();
  }

  document.addEventListener("click", function (event) {
    var control = event.target.closest("[data-ec-reveal]");
    if (!control) return;
    event.preventDefault();
    reveal(control.closest("figure"));
  });

  // role="button" promises Space works too (Enter already clicks a link).
  document.addEventListener("keydown", function (event) {
    if (event.key !== " " || !event.target.matches("[data-ec-reveal]")) return;
    event.preventDefault();
    reveal(event.target.closest("figure"));
  });
})();
