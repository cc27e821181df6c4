// errata: reload a page that waits on the sandbox (a submission being verified, a trial run)
// every few seconds while it waits. Without this file the page offers a reload link; a meta
// refresh would reload it for readers who did not ask (WCAG 2.2.1).
"use strict";
(function () {
  var marker = document.querySelector("[data-reload-seconds]");
  if (!marker) return;
  var seconds = Number(marker.dataset.reloadSeconds) || 3;
  window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
})();
