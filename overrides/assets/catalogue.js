/* Evidence catalogue: reveal hidden (graphic) media only when the reader asks.
 * A hidden figure has no image source until revealed, so nothing is fetched
 * before the reader's choice; its alt text and caption stay out of the
 * accessibility tree until then. Without JavaScript, the "Show" link opens the
 * image file itself, again only on request.
 *
 * The reader chooses per image ("Show image N") or once for the whole site
 * ("Show graphic images on this site", in the footer of every page and in an
 * item's content warning). The site-wide choice is kept in localStorage, in
 * this browser only, and "Hide graphic images again" revokes it. */
(function () {
  "use strict";

  var TEXT = {
    show: "Show graphic images on this site",
    hide: "Hide graphic images again",
    stateHidden: "Graphic images are hidden until you choose to show them.",
    stateShown: "Graphic images are shown on this site. This choice is kept in this browser only.",
    nowShown: "Graphic images are now shown on this site.",
    nowHidden: "Graphic images are hidden again."
  };
  var SHOWN = "shown";

  // Figures hidden when the page loaded: the ones the site-wide choice shows and hides.
  var graphicFigures = Array.prototype.slice.call(document.querySelectorAll("figure[data-ec-hidden]"));
  // Their hidden-state names ("Hidden image 2"), to restore when they are hidden again.
  graphicFigures.forEach(function (figure) {
    figure.setAttribute("data-ec-label", figure.getAttribute("aria-label") || "");
  });

  function reveal(figure, moveFocus) {
    if (!figure || !figure.hasAttribute("data-ec-hidden")) return;
    var img = figure.querySelector("img[data-src]");
    var link = figure.querySelector(".ec-revealed");
    img.alt = img.getAttribute("data-alt") || "";
    img.src = img.getAttribute("data-src");
    link.hidden = false;
    figure.querySelector("figcaption").hidden = false;
    figure.querySelector(".ec-veil").hidden = true;
    figure.removeAttribute("data-ec-hidden");
    figure.classList.remove("ec-figure--hidden");
    // Revealed, the figure takes its name from its caption again.
    figure.removeAttribute("aria-label");
    // Keep keyboard users where they were: focus moves to the revealed image link.
    if (moveFocus) link.focus();
  }

  // The reverse of reveal: the image leaves the page and the veil comes back.
  function conceal(figure) {
    if (figure.hasAttribute("data-ec-hidden")) return;
    var img = figure.querySelector("img[data-src]");
    var veil = figure.querySelector(".ec-veil");
    var hadFocus = figure.contains(document.activeElement);
    img.removeAttribute("src");
    img.alt = "";
    figure.querySelector(".ec-revealed").hidden = true;
    figure.querySelector("figcaption").hidden = true;
    veil.hidden = false;
    figure.setAttribute("data-ec-hidden", "");
    figure.classList.add("ec-figure--hidden");
    figure.setAttribute("aria-label", figure.getAttribute("data-ec-label"));
    if (hadFocus) veil.querySelector("[data-ec-reveal]").focus();
  }

  // --- site-wide choice -------------------------------------------------

  function storageKey() {
    // Several catalogues may share one origin (project pages): scope the choice to
    // this site's root, as Material does for its own settings.
    var root = typeof __md_scope !== "undefined" && __md_scope ? __md_scope.pathname : "/";
    return root + ".ec.graphic-images";
  }

  function chosenToShow() {
    try {
      return localStorage.getItem(storageKey()) === SHOWN;
    } catch (error) {
      return false;  // storage blocked: every image stays hidden until shown one by one
    }
  }

  function remember(show) {
    try {
      if (show) localStorage.setItem(storageKey(), SHOWN);
      else localStorage.removeItem(storageKey());
    } catch (error) {
      /* storage blocked: the choice holds for this page only */
    }
  }

  function apply(show, announce) {
    graphicFigures.forEach(function (figure) {
      if (show) reveal(figure, false);
      else conceal(figure);
    });
    document.querySelectorAll("[data-ec-graphic-pref-toggle]").forEach(function (button) {
      button.textContent = show ? TEXT.hide : TEXT.show;
    });
    document.querySelectorAll("[data-ec-graphic-pref-state]").forEach(function (state) {
      state.textContent = show ? TEXT.stateShown : TEXT.stateHidden;
    });
    if (announce) {
      document.querySelectorAll("[data-ec-graphic-pref-announce]").forEach(function (status) {
        status.textContent = show ? TEXT.nowShown : TEXT.nowHidden;
      });
    }
  }

  // The controls work only with JavaScript, so they appear only with it.
  document.querySelectorAll("[data-ec-graphic-pref]").forEach(function (control) {
    control.hidden = false;
  });
  var showing = chosenToShow();
  if (showing) apply(true, false);

  // Another tab of the same site changed the choice: follow it here too.
  window.addEventListener("storage", function (event) {
    if (event.key !== storageKey() && event.key !== null) return;
    showing = chosenToShow();
    apply(showing, false);
  });

  // --- events -----------------------------------------------------------

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-ec-graphic-pref-toggle]");
    if (toggle) {
      showing = !showing;
      remember(showing);
      apply(showing, true);
      return;
    }
    var control = event.target.closest("[data-ec-reveal]");
    if (!control) return;
    event.preventDefault();
    reveal(control.closest("figure"), true);
  });

  // role="button" promises Space works too (Enter already clicks a link).
  document.addEventListener("keydown", function (event) {
    if (event.key !== " " || !event.target.matches("[data-ec-reveal]")) return;
    event.preventDefault();
    reveal(event.target.closest("figure"), true);
  });
})();
