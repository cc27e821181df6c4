// errata: "Run in sandbox" and "Use this template" on the contributor form, in place.
// Without this file the buttons post the form, which comes back with the run beside the fix.
"use strict";
(function () {
  var POLL_MS = 1000, DEADLINE_MS = 180000;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }
  function output(summary, text, open) {
    var details = el("details", "trial-output");
    details.open = !!open;
    var pre = el("pre", "", text);
    pre.tabIndex = 0;  // scrollable: reachable by keyboard
    details.append(el("summary", "", summary), pre);
    return details;
  }
  function headline(t) {
    if (t.passed) return "Passed";
    if (t.outcome === "ran_without_error") return "Ran without error (no check, so nothing was shown)";
    if (t.outcome === "passed") return "Passed, but flagged for a maintainer's look";
    return "Failed: " + String(t.outcome || "error").replace(/_/g, " ");
  }
  function draw(box, t) {
    box.replaceChildren();
    if (t.status !== "done") {
      var wait = el("p", "trial-status trial-waiting", "Running in the sandbox…");
      wait.dataset.trialId = t.id;
      box.append(wait);
      return;
    }
    var line = el("p", "trial-status " + (t.passed ? "trial-pass" : "trial-fail"));
    line.dataset.trialId = t.id;
    line.dataset.outcome = t.outcome || "";
    line.append(el("strong", "", headline(t)), " ", el("small", "", Math.round(t.duration_ms) + " ms"));
    box.append(line);
    if (t.error) box.append(el("pre", "error-text trial-error", t.error));
    (t.flags || []).forEach(function (f) {
      box.append(el("p", "field-error", f.file + " line " + f.line + " " + f.code + ": " + f.message));
    });
    if (t.stdout) box.append(output("Output", t.stdout, false));
    if (t.stderr) box.append(output("Errors (stderr)", t.stderr, true));
  }
  function refuse(box, message) {
    box.replaceChildren(el("p", "field-error trial-refused", message));
  }
  function messages(body) {
    if (Array.isArray(body.detail)) {
      return body.detail.map(function (d) { return (d.field ? d.field + ": " : "") + d.msg; }).join("; ");
    }
    return String(body.detail || "the sandbox could not take this run");
  }
  function poll(box, id, started) {
    fetch("/api/trials/" + encodeURIComponent(id), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
      .then(function (res) {
        if (!res.ok) return refuse(box, messages(res.body));
        draw(box, res.body);
        if (res.body.status === "done") return;
        if (Date.now() - started > DEADLINE_MS) return refuse(box, "The run is taking long: follow it at " + res.body.status_url);
        window.setTimeout(function () { poll(box, id, started); }, POLL_MS);
      })
      .catch(function () { refuse(box, "Lost contact with the server; try again."); });
  }
  function run(button) {
    var row = button.closest(".fix-row");
    var box = row.querySelector(".trial-result");
    var field = function (name) { var f = row.querySelector("[name=" + name + "]"); return f ? f.value : ""; };
    var fix = { code: field("fix_code"), check: field("fix_check"), language: field("fix_language") || "python" };
    button.disabled = true;
    box.replaceChildren(el("p", "trial-status trial-waiting", "Sending to the sandbox…"));
    fetch("/api/trials", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(fix),
    })
      .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
      .then(function (res) {
        if (!res.ok) return refuse(box, messages(res.body));
        var hidden = row.querySelector("[name=fix_trial]");
        if (hidden) hidden.value = res.body.id;
        draw(box, res.body);
        poll(box, res.body.id, Date.now());
      })
      .catch(function () { refuse(box, "Lost contact with the server; try again."); })
      .finally(function () { button.disabled = false; });
  }
  document.querySelectorAll("button[data-template]").forEach(function (b) { b.hidden = false; });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-trial-run], button[data-template]");
    if (!button || !button.form && !button.closest("form")) return;
    event.preventDefault();
    if (button.dataset.trialRun !== undefined) return run(button);
    var row = button.closest(".fix-row");
    var check = row.querySelector("[name=fix_check]");
    var language = (row.querySelector("[name=fix_language]") || {}).value;
    var kind = language === "javascript" || language === "typescript" ? "javascript" : "python";
    var template = document.getElementById("check-template-" + kind);
    if (check && template && !check.value.trim()) check.value = template.content.textContent;
    if (check) check.focus();
  });
  document.querySelectorAll(".trial-waiting[data-trial-id]").forEach(function (p) {
    poll(p.closest(".trial-result"), p.dataset.trialId, Date.now());
  });
})();
