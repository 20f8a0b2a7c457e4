/* Service workspace: reveal the acceptance fields (mentor, period, note) only when
   "Aanvaard" is chosen. Progressive enhancement: without this script every field stays
   visible and the server validates. */
(function () {
  "use strict";
  var ACCEPTED = "accepted";

  function sync(form) {
    var select = form.querySelector("[data-status-select]");
    var fields = form.querySelector("[data-accept-fields]");
    if (!select || !fields || fields.getAttribute("data-accept-fields") === "always") {
      return;
    }
    fields.hidden = select.value !== ACCEPTED;
  }

  function init() {
    var forms = document.querySelectorAll("[data-status-form]");
    Array.prototype.forEach.call(forms, function (form) {
      sync(form);
      var select = form.querySelector("[data-status-select]");
      if (select) {
        select.addEventListener("change", function () {
          sync(form);
        });
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
