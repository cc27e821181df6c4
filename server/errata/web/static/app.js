// errata: progressive enhancement only; every page works without this file.
// The contributor form's "add" and "remove" buttons work in place instead of a round trip;
// "Run in sandbox" runs in place (POST /api/trials, then polling its JSON) instead of posting
// the whole form; "Use this template" fills an empty check field.
"use strict";
(function () {
  function renumber(form) {
    form.querySelectorAll(".fix-row .fix-number").forEach(function (el, i) { el.textContent = String(i + 1); });
    form.querySelectorAll(".fix-row [data-trial-run]").forEach(function (el, i) { el.value = "trial:" + i; });
  }
  function blank(row) {
    row.querySelectorAll("input, textarea").forEach(function (el) { el.value = ""; });
    row.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
    row.querySelectorAll(".trial-result").forEach(function (el) { el.replaceChildren(); });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-add], button[data-remove]");
    if (!button) return;
    var form = button.form;
    if (button.dataset.add) {
      var rows = form.querySelectorAll("." + button.dataset.add);
      if (!rows.length) return;  // let the server add the first row
      var copy = rows[rows.length - 1].cloneNode(true);
      blank(copy);
      rows[rows.length - 1].after(copy);
      var first = copy.querySelector("input, textarea");
      if (first) first.focus();
    } else {
      var row = button.closest("." + button.dataset.remove);
      var siblings = form.querySelectorAll("." + button.dataset.remove);
      if (siblings.length <= 1) { blank(row); } else {
        var next = row.nextElementSibling;
        if (next && next.classList.contains("field-error")) next.remove();
        row.remove();
      }
    }
    renumber(form);
    event.preventDefault();
  });
})();

// Copy buttons beside code: shown only when this script runs (they need it).
(function () {
  function copyText(text, done) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(text, done); });
    } else { fallback(text, done); }
  }
  function fallback(text, done) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "hp";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); done(); } finally { area.remove(); }
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) { button.hidden = false; });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (!button) return;
    var code = button.parentElement.querySelector("pre");
    if (!code) return;
    copyText(code.textContent, function () {
      var label = button.textContent;
      button.textContent = "Copied";
      button.dataset.copied = "yes";
      setTimeout(function () { button.textContent = label; }, 1500);
    });
  });
})();
