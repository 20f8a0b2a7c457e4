/* Service workspace: two Stimulus controllers registered on Wagtail's own Stimulus
   application (window.wagtail.app), the admin's front-end convention since Wagtail 5.2.

   sm-status  one student's status form. Shows the acceptance fields only for "Aanvaard";
              in a list row (inplace) it saves with fetch and swaps in the row the server
              renders (saved, refused with every entered value, confirmation asked, or lost
              to another service), so the page neither reloads nor moves.
   sm-live    the open list. Every few seconds it asks the live endpoint, with the ids on the
              page and the last ETag, whether anything changed (most answers are 304); it
              marks students another service accepted meanwhile and updates the tab counts.

   Progressive enhancement: without this script every field is visible and the plain form
   posts and comes back to the row. No inline script (the admin's CSP stays strict). */
(function () {
  "use strict";
  if (!window.wagtail || !window.wagtail.app || !window.StimulusModule) {
    return;
  }
  var Controller = window.StimulusModule.Controller;
  var snapshots = {}; // row id -> the row's markup before a confirmation was asked

  function scroller(el) {
    for (var node = el.parentElement; node; node = node.parentElement) {
      var overflow = window.getComputedStyle(node).overflowY;
      if ((overflow === "auto" || overflow === "scroll") && node.scrollHeight > node.clientHeight) {
        return node;
      }
    }
    return document.scrollingElement || document.documentElement;
  }

  function announce(text) {
    // A polite live region of the page: the row shows the message itself, and Wagtail's
    // messages bar would push the page down (the brief: the page does not move).
    var region = document.getElementById("sm-announce");
    if (region) {
      region.textContent = "";
      window.setTimeout(function () {
        region.textContent = text;
      }, 50);
    }
  }

  class StatusController extends Controller {
    static targets = ["form", "status", "fields", "live"];
    static values = { inplace: Boolean, accepted: { type: String, default: "accepted" } };

    connect() {
      this.toggle();
    }

    toggle() {
      if (!this.hasFieldsTarget || !this.hasStatusTarget) {
        return;
      }
      if (this.fieldsTarget.getAttribute("data-accept-fields") === "always") {
        return;
      }
      // Hidden fields are still sent: what was entered survives a change of mind.
      this.fieldsTarget.hidden = this.statusTarget.value !== this.acceptedValue;
    }

    cancel(event) {
      // Back to the row as it was before the confirmation was asked (else the link reloads).
      var before = snapshots[this.element.id];
      if (!this.inplaceValue || !before) {
        return;
      }
      event.preventDefault();
      delete snapshots[this.element.id];
      this.element.outerHTML = before;
    }

    submit(event) {
      if (!this.inplaceValue || !window.fetch || !window.FormData) {
        return; // plain form post
      }
      event.preventDefault();
      var form = this.formTarget;
      var data = new FormData(form, event.submitter || null);
      this.send(form.action, data);
    }

    send(url, data) {
      var row = this.element;
      if (!row.querySelector(".sm-confirm")) {
        snapshots[row.id] = row.outerHTML;
      }
      var buttons = row.querySelectorAll("button");
      Array.prototype.forEach.call(buttons, function (b) {
        b.disabled = true;
      });
      row.setAttribute("aria-busy", "true");
      fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "sm-status", Accept: "application/json" },
      })
        .then(function (response) {
          return response.json();
        })
        .then(function (answer) {
          var id = row.id;
          // The admin scrolls inside its main element, not the window: keep that still, so
          // the browser's scroll anchoring does not move the page when the row is swapped.
          var box = scroller(row);
          var top = box.scrollTop;
          row.outerHTML = answer.html;
          box.scrollTop = top;
          var fresh = document.getElementById(id);
          if (fresh) {
            var focus = fresh.querySelector(
              "[aria-invalid=true], .sm-confirm button, select[name=status]"
            );
            if (focus) {
              focus.focus({ preventScroll: true });
            }
          }
          announce(answer.message);
          document.dispatchEvent(new CustomEvent("sm:changed"));
        })
        .catch(function () {
          // Network trouble: fall back to the plain form so nothing entered is lost.
          row.removeAttribute("aria-busy");
          Array.prototype.forEach.call(buttons, function (b) {
            b.disabled = false;
          });
          HTMLFormElement.prototype.submit.call(row.querySelector("form"));
        });
    }
  }

  class LiveController extends Controller {
    static targets = ["count"];
    static values = { url: String, interval: { type: Number, default: 5 } };

    connect() {
      this.etag = null;
      this.poll = this.poll.bind(this);
      this.onChanged = this.onChanged.bind(this);
      document.addEventListener("sm:changed", this.onChanged);
      this.timer = window.setInterval(this.poll, this.intervalValue * 1000);
    }

    disconnect() {
      window.clearInterval(this.timer);
      document.removeEventListener("sm:changed", this.onChanged);
    }

    onChanged() {
      this.etag = null;
      this.poll();
    }

    ids() {
      var rows = this.element.querySelectorAll("tr[data-student]:not([data-placed])");
      return Array.prototype.map.call(rows, function (row) {
        return row.getAttribute("data-student");
      });
    }

    poll() {
      if (document.hidden || this.busy) {
        return;
      }
      var ids = this.ids();
      var sep = this.urlValue.indexOf("?") === -1 ? "?" : "&";
      var url = this.urlValue + sep + "ids=" + ids.join(",");
      var headers = { Accept: "application/json" };
      if (this.etag) {
        headers["If-None-Match"] = this.etag;
      }
      var self = this;
      this.busy = true;
      fetch(url, { credentials: "same-origin", cache: "no-store", headers: headers })
        .then(function (response) {
          if (response.status === 304 || !response.ok) {
            return null;
          }
          self.etag = response.headers.get("ETag");
          return response.json();
        })
        .then(function (state) {
          if (state) {
            self.apply(state);
          }
        })
        .catch(function () {})
        .then(function () {
          self.busy = false;
        });
    }

    apply(state) {
      this.countTargets.forEach(function (el) {
        var value = state.counts[el.getAttribute("data-tab")];
        if (value !== undefined && String(value) !== el.textContent.trim()) {
          el.textContent = value;
        }
      });
      var self = this;
      state.placed.forEach(function (pk) {
        self.mark(pk, state.placed_text);
      });
      state.gone.forEach(function (pk) {
        self.mark(pk, state.gone_text);
      });
    }

    mark(pk, text) {
      var row = this.element.querySelector('tr[data-student="' + pk + '"]');
      if (!row || row.hasAttribute("data-placed")) {
        return;
      }
      row.setAttribute("data-placed", "");
      row.classList.add("sm-row--gone");
      var form = row.querySelector("form");
      if (form) {
        form.hidden = true;
      }
      var slot = row.querySelector("[data-sm-status-target=live]");
      if (slot) {
        var p = document.createElement("p");
        p.className = "sm-row-msg sm-row-msg--error";
        p.setAttribute("role", "status");
        p.setAttribute("data-testid", "row-gone");
        p.textContent = text;
        slot.appendChild(p);
        slot.hidden = false;
      }
    }
  }

  window.wagtail.app.register("sm-status", StatusController);
  window.wagtail.app.register("sm-live", LiveController);
})();
