// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Fill hidden time zone fields with the browser's zone.
  var tz;
  try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) {}
  if (tz) {
    document.querySelectorAll("input[data-detect-tz]").forEach(function (el) { el.value = tz; });
  }
  // The language switcher submits on change; its button stays for keyboard
  // and no-script users.
  var sel = document.getElementById("lang-switch");
  if (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  }
  // Ask before destructive actions marked data-confirm.
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (ev) {
      if (!window.confirm(f.getAttribute("data-confirm"))) { ev.preventDefault(); }
    });
  });
})();
