/* Evidence catalogue: the "Cite this item" box.
 * - The access date becomes today's date when the page is read (the build date
 *   stays as the fallback without JavaScript).
 * - The Copy button (a real <button>, so Enter and Space work) copies the plain
 *   citation with the Clipboard API; where that is refused it selects the text
 *   so the reader can press Ctrl+C. A polite live region says what happened.
 * No inline script: the site's Content-Security-Policy allows only files. */
(function () {
  "use strict";

  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December"];

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // Same wording as the build's format_date: "3 October 2026".
  function fillAccessDates() {
    var now = new Date();
    var iso = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
    var text = now.getDate() + " " + MONTHS[now.getMonth()] + " " + now.getFullYear();
    document.querySelectorAll("[data-ec-accessed]").forEach(function (time) {
      time.setAttribute("datetime", iso);
      time.textContent = text;
    });
  }

  function citationText(button) {
    var source = document.getElementById(button.getAttribute("data-ec-copy"));
    return source ? source.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function announce(button, message) {
    var status = button.parentNode.querySelector(".ec-cite-status");
    if (!status) return;
    // Clear first so the same message is announced again on a second press.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function fallbackCopy(button) {
    var source = document.getElementById(button.getAttribute("data-ec-copy"));
    selectText(source);
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    announce(button, copied ? "Copied" : "Citation selected: press Ctrl+C (or \u2318C) to copy");
  }

  function copy(button) {
    var text = citationText(button);
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { announce(button, "Copied"); },
        function () { fallbackCopy(button); });
    } else {
      fallbackCopy(button);
    }
  }

  function init() {
    fillAccessDates();
    document.querySelectorAll("[data-ec-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { copy(button); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
