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
})();
