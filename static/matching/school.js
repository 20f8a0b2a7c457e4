// School workspace: a text filter over the preferred services, and the import progress bar.
(function () {
  "use strict";

  function setupFilters() {
    document.querySelectorAll("[data-filter-for]").forEach(function (input) {
      var select = document.getElementById(input.getAttribute("data-filter-for"));
      if (!select) return;
      input.addEventListener("input", function () {
        var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
        Array.prototype.forEach.call(select.options, function (option) {
          var text = option.text.toLowerCase();
          var match = words.every(function (w) { return text.indexOf(w) !== -1; });
          option.hidden = !match && !option.selected;
        });
      });
    });
  }

  function setupProgress() {
    var box = document.querySelector("[data-import-status]");
    if (!box) return;
    var url = box.getAttribute("data-import-status");
    var bar = box.querySelector("[data-progress-bar]");
    var count = box.querySelector("[data-progress-count]");
    var label = box.querySelector("[data-progress-label]");
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          bar.value = data.percent;
          bar.textContent = data.percent + "%";
          count.textContent = data.progress + " / " + data.total;
          label.textContent = data.status_label;
          if (data.finished) {
            window.location.reload();
          } else {
            window.setTimeout(poll, 1000);
          }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupFilters();
    setupProgress();
  });
})();
