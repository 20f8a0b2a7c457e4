// Wagtail's date/time widgets start their picker with an inline <script>, which the
// Content-Security-Policy forbids (no 'unsafe-inline'). The project's copies of those widget
// templates (accounts/templates/wagtailadmin/widgets/) leave a marker instead; this starts
// the same picker for each marker, once the widget scripts have loaded.
(function () {
  "use strict";
  function start(root) {
    root.querySelectorAll("[data-sm-chooser]").forEach(function (marker) {
      var init = window[marker.dataset.smChooser];
      if (typeof init !== "function" || marker.dataset.smStarted) return;
      marker.dataset.smStarted = "1";
      var config = marker.dataset.smChooserConfig;
      init(marker.dataset.smChooserId, config ? JSON.parse(config) : undefined);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { start(document); });
  } else {
    start(document);
  }
})();
