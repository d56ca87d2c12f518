// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Fill hidden time zone fields with the browser's zone.
  var tz;
  try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) {}
  if (tz) {
    document.querySelectorAll("input[data-detect-tz]").forEach(function (el) { el.value = tz; });
  }
  // The language switcher waits for its button: submitting on change would
  // reload the page under a keyboard user's arrow keys at the first step
  // through the list (WCAG 3.2.2, On Input).
  // Go on to an organisation's login page at once (the page also offers
  // the link to press without script).
  var follow = document.querySelector("a[data-autofollow]");
  if (follow) { window.location.assign(follow.href); }
  // Ask before destructive actions marked data-confirm.
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (ev) {
      if (!window.confirm(f.getAttribute("data-confirm"))) { ev.preventDefault(); }
    });
  });
  // Agenda editor: move and remove topics in place instead of saving at
  // every press. The hidden order fields carry the new order when the
  // mentee saves; without this script each button saves and reloads.
  document.querySelectorAll("form.agenda-editor").forEach(function (form) {
    function topics() {
      return Array.prototype.filter.call(form.querySelectorAll("fieldset.notes-row"), function (f) {
        return !f.hidden && !f.classList.contains("notes-row-blank");
      });
    }
    function renumber() {
      var rows = topics();
      form.querySelectorAll("fieldset.notes-row").forEach(function (f, i) {
        var order = f.querySelector("[data-row-order]");
        if (order) { order.value = String(i + 1); }
      });
      rows.forEach(function (f, i) {
        var legend = f.querySelector("legend");
        if (legend) { legend.textContent = legend.textContent.replace(/\d+/, String(i + 1)); }
        var up = f.querySelector("[data-row-op=up]"), down = f.querySelector("[data-row-op=down]");
        if (up) { up.hidden = i === 0; }
        if (down) { down.hidden = i === rows.length - 1; }
      });
    }
    form.addEventListener("click", function (ev) {
      var btn = ev.target.closest("[data-row-op]");
      if (!btn) { return; }
      ev.preventDefault();
      var row = btn.closest("fieldset.notes-row"), rows = topics(), at = rows.indexOf(row);
      var op = btn.getAttribute("data-row-op");
      if (op === "up" && at > 0) {
        row.parentNode.insertBefore(row, rows[at - 1]);
      } else if (op === "down" && at < rows.length - 1) {
        row.parentNode.insertBefore(rows[at + 1], row);
      } else if (op === "remove") {
        var name = row.querySelector("[data-row-order]").name.replace("order_", "remove_");
        var gone = document.createElement("input");
        gone.type = "hidden"; gone.name = name; gone.value = "1";
        form.appendChild(gone);
        row.hidden = true;
        var next = topics()[Math.min(at, topics().length - 1)];
        renumber();
        (next ? next.querySelector("input[type=text]") : form.querySelector("button.primary")).focus();
        return;
      }
      renumber();
      if (!btn.hidden) { btn.focus(); } else { row.querySelector("input[type=text]").focus(); }
    });
  });
})();
