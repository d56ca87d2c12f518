// Passkeys: the two WebAuthn ceremonies, registering on the security page
// and signing in on the login page. Without WebAuthn in the browser (or
// without script) the buttons stay hidden and the pages work as before.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) { return; }
  document.querySelectorAll("[data-passkey-unsupported]").forEach(function (el) { el.hidden = true; });

  function enc(buf) {
    var s = "", b = new Uint8Array(buf);
    for (var i = 0; i < b.length; i++) { s += String.fromCharCode(b[i]); }
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function dec(str) {
    var s = atob(str.replace(/-/g, "+").replace(/_/g, "/"));
    var b = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) { b[i] = s.charCodeAt(i); }
    return b.buffer;
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body || {})
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (j) {
        if (!res.ok) { throw new Error(j.error || res.statusText); }
        return j;
      });
    });
  }
  function wire(box, run) {
    var btn = box.querySelector("[data-passkey-start]");
    var out = box.querySelector("[data-passkey-error]");
    box.hidden = false;
    btn.addEventListener("click", function () {
      out.hidden = true;
      btn.disabled = true;
      run().then(function (j) { window.location.assign(j.redirect); }, function (err) {
        // A cancelled prompt is the person's choice, not an error to show.
        if (err && err.name !== "NotAllowedError" && err.name !== "AbortError") {
          out.textContent = err.message;
          out.hidden = false;
        }
        btn.disabled = false;
      });
    });
  }

  var reg = document.querySelector("[data-passkey-register]");
  if (reg) {
    wire(reg, function () {
      var name = reg.querySelector("input").value;
      return post("/profile/security/passkeys/options").then(function (o) {
        var pk = o.publicKey;
        pk.challenge = dec(pk.challenge);
        pk.user.id = dec(pk.user.id);
        (pk.excludeCredentials || []).forEach(function (c) { c.id = dec(c.id); });
        return navigator.credentials.create({ publicKey: pk });
      }).then(function (c) {
        return post("/profile/security/passkeys", {
          name: name,
          credential: {
            id: c.id, rawId: enc(c.rawId), type: c.type,
            clientExtensionResults: c.getClientExtensionResults(),
            response: {
              attestationObject: enc(c.response.attestationObject),
              clientDataJSON: enc(c.response.clientDataJSON),
              transports: c.response.getTransports ? c.response.getTransports() : []
            }
          }
        });
      });
    });
  }

  // Signing in with a passkey, or confirming a login with one instead of
  // the code: the same ceremony at two addresses.
  var login = document.querySelector("[data-passkey-login]");
  var base = "/login/passkey";
  if (!login) {
    login = document.querySelector("[data-passkey-factor]");
    base = "/login/code/passkey";
  }
  if (login) {
    wire(login, function () {
      return post(base + "/options").then(function (o) {
        var pk = o.publicKey;
        pk.challenge = dec(pk.challenge);
        (pk.allowCredentials || []).forEach(function (c) { c.id = dec(c.id); });
        return navigator.credentials.get({ publicKey: pk });
      }).then(function (c) {
        return post(base, {
          next: login.getAttribute("data-next"),
          credential: {
            id: c.id, rawId: enc(c.rawId), type: c.type,
            clientExtensionResults: c.getClientExtensionResults(),
            response: {
              authenticatorData: enc(c.response.authenticatorData),
              clientDataJSON: enc(c.response.clientDataJSON),
              signature: enc(c.response.signature),
              userHandle: c.response.userHandle ? enc(c.response.userHandle) : null
            }
          }
        });
      });
    });
  }
})();
