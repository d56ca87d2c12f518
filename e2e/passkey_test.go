package e2e

import (
	"context"
	"encoding/base32"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"mentorskap/internal/account"
)

// virtualAuthenticator gives the browser a platform authenticator that
// holds discoverable passkeys and verifies its user at once, through the
// WebAuthn domain of the DevTools protocol.
func virtualAuthenticator(t *testing.T, ctx context.Context) webauthn.AuthenticatorID {
	t.Helper()
	var id webauthn.AuthenticatorID
	run(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, webauthn.Enable, webauthn.EnableParams{}); err != nil {
			return err
		}
		res, err := cdp.Call(ctx, tg, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{
			Options: &webauthn.VirtualAuthenticatorOptions{
				Protocol: webauthn.AuthenticatorProtocolCtap2, Ctap2version: webauthn.Ctap2versionCtap21,
				Transport: webauthn.AuthenticatorTransportInternal, HasResidentKey: true,
				HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
			}})
		id = res.AuthenticatorID
		return err
	}))
	return id
}

// passkeyLogin presses "Log in with a passkey" and returns the page's
// message, or "" once signed in.
func passkeyLogin(t *testing.T, ctx context.Context, s *server) string {
	t.Helper()
	run(t, ctx, chromedp.Navigate(s.URL+"/login"), chromedp.WaitVisible(chromedp.CSS(`[data-passkey-login] button`)))
	press(t, ctx, `[data-passkey-login] button`)
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"], [data-passkey-error]:not([hidden])`)))
	if eval[bool](t, ctx, `!!document.querySelector('form[action="/logout"]')`) {
		return ""
	}
	return eval[string](t, ctx, `document.querySelector('[data-passkey-error]').innerText`)
}

// TestPasskeyJourney: a person adds a passkey on the security page with a
// virtual authenticator, signs in with it instead of the password (the
// sign-in log says so), uses it instead of the code after the password once
// two-factor login is on, sees a copy of it refused, removes it, and is
// refused with it afterwards.
func TestPasskeyJourney(t *testing.T) {
	t.Parallel()
	// WebAuthn takes a host name, not an IP address, as the site's identity.
	s := startServerWith(t, "localhost", nil)
	s.addUser(t, "admin@example.org", "Ada Admin", "admin", "admin-password-1")
	s.addUser(t, "kari@example.org", "Kari Nordmann", "coordinator", "kari-password-1")
	ctx := newBrowser(t)
	auth := virtualAuthenticator(t, ctx)

	login(t, ctx, s, "kari@example.org", "kari-password-1")
	run(t, ctx, chromedp.Navigate(s.URL+"/profile/security"), chromedp.WaitVisible(chromedp.CSS(`[data-passkey-register] button`)))
	fill(t, ctx, "#f-passkey_name", "Work laptop")
	press(t, ctx, `[data-passkey-register] button`)
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS(`ul.passkeys`)))
	if body := eval[string](t, ctx, `document.querySelector("main").innerText`); !strings.Contains(body, "Work laptop") {
		t.Fatalf("passkey not listed:\n%s%s", body, saveFailure(t, ctx))
	}
	run(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		res, err := cdp.Call(ctx, tg, webauthn.GetCredentials, webauthn.GetCredentialsParams{AuthenticatorID: auth})
		if err == nil && (len(res.Credentials) != 1 || !res.Credentials[0].IsResidentCredential) {
			t.Errorf("authenticator holds %+v, want one discoverable passkey", res.Credentials)
		}
		return err
	}))
	logout(t, ctx, s)

	if msg := passkeyLogin(t, ctx, s); msg != "" {
		t.Fatalf("passkey login refused: %s%s", msg, saveFailure(t, ctx))
	}
	run(t, ctx, chromedp.Navigate(s.URL+"/profile/security"), chromedp.WaitVisible(chromedp.CSS(`#log-head`)))
	body := eval[string](t, ctx, `document.querySelector("main").innerText`)
	if !strings.Contains(body, "Passkey\t") && !strings.Contains(body, "Passkey\n") {
		t.Errorf("sign-in log lacks the passkey login:\n%s", body)
	}

	// With two-factor login on, the passkey stands in for the code after
	// the password.
	press(t, ctx, `form[action="/profile/security/totp"] button`)
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#f-code`)))
	secret := strings.ReplaceAll(eval[string](t, ctx, `document.querySelector("code.secret").innerText`), " ", "")
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		t.Fatalf("secret %q: %v", secret, err)
	}
	fill(t, ctx, "#f-code", account.TOTPCode(key, time.Now().Unix()/30, 6))
	press(t, ctx, `form[action="/profile/security/totp/confirm"] button`)
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS(`ul.recovery-codes`)))
	recovery := eval[string](t, ctx, `document.querySelector("ul.recovery-codes code").innerText`)
	logout(t, ctx, s)
	run(t, ctx, chromedp.Navigate(s.URL+"/login"), chromedp.WaitVisible(chromedp.CSS("#f-email")))
	fill(t, ctx, "#f-email", "kari@example.org")
	fill(t, ctx, "#f-password", "kari-password-1")
	press(t, ctx, `main form[action="/login"] button`)
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS(`[data-passkey-factor] button`)))
	press(t, ctx, `[data-passkey-factor] button`)
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"], [data-passkey-error]:not([hidden])`)))
	run(t, ctx, chromedp.Navigate(s.URL+"/profile/security"), chromedp.WaitVisible(chromedp.CSS(`#log-head`)))
	if body := eval[string](t, ctx, `document.querySelector("main").innerText`); !strings.Contains(body, "Password and passkey") {
		t.Fatalf("passkey as the second factor:\n%s%s", body, saveFailure(t, ctx))
	}

	// A copy of the passkey: the same key with a counter behind the one
	// the site has seen. The site refuses it and marks the passkey.
	logout(t, ctx, s)
	run(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		res, err := cdp.Call(ctx, tg, webauthn.GetCredentials, webauthn.GetCredentialsParams{AuthenticatorID: auth})
		if err != nil || len(res.Credentials) != 1 {
			return fmt.Errorf("credentials %v: %v", res.Credentials, err)
		}
		c := *res.Credentials[0]
		if c.SignCount < 1 {
			return fmt.Errorf("the authenticator does not count (%v): no clone to detect", c.SignCount)
		}
		if _, err := cdp.Call(ctx, tg, webauthn.RemoveCredential, webauthn.RemoveCredentialParams{AuthenticatorID: auth, CredentialID: c.CredentialID}); err != nil {
			return err
		}
		// The generated command always sends fields (CMTG keys) that this
		// authenticator refuses, so the copy goes with only what it needs.
		type copied struct {
			CredentialID         []byte `json:"credentialId"`
			IsResidentCredential bool   `json:"isResidentCredential"`
			RpID                 string `json:"rpId"`
			PrivateKey           []byte `json:"privateKey"`
			UserHandle           []byte `json:"userHandle"`
			SignCount            int    `json:"signCount"`
		}
		type addParams struct {
			AuthenticatorID webauthn.AuthenticatorID `json:"authenticatorId"`
			Credential      copied                   `json:"credential"`
		}
		add := cdp.Command[addParams, cdp.Empty]{Method: webauthn.CommandAddCredential}
		_, err = cdp.Call(ctx, tg, add, addParams{AuthenticatorID: auth, Credential: copied{
			CredentialID: c.CredentialID, IsResidentCredential: true, RpID: c.RpID,
			PrivateKey: c.PrivateKey, UserHandle: c.UserHandle, SignCount: 0}})
		return err
	}))
	if msg := passkeyLogin(t, ctx, s); !strings.Contains(msg, "may have been copied") {
		t.Fatalf("copied passkey: got %q%s", msg, saveFailure(t, ctx))
	}
	run(t, ctx, chromedp.Navigate(s.URL+"/login"), chromedp.WaitVisible(chromedp.CSS("#f-email")))
	fill(t, ctx, "#f-email", "kari@example.org")
	fill(t, ctx, "#f-password", "kari-password-1")
	press(t, ctx, `main form[action="/login"] button`)
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#f-code`)))
	if eval[bool](t, ctx, `!!document.querySelector("[data-passkey-factor]")`) {
		t.Error("a passkey marked as copied is still offered instead of the code")
	}
	fill(t, ctx, "#f-code", recovery)
	press(t, ctx, `form[action="/login/code"] button`)
	run(t, ctx, chromedp.WaitReady(chromedp.CSS(`form[action="/logout"]`)))
	run(t, ctx, chromedp.Navigate(s.URL+"/profile/security"), chromedp.WaitVisible(chromedp.CSS(`ul.passkeys`)))
	if body := eval[string](t, ctx, `document.querySelector("ul.passkeys").innerText`); !strings.Contains(body, "may have been copied") {
		t.Errorf("passkey not marked: %s", body)
	}
	for _, lang := range []string{"nb", "id", "en"} {
		inLanguage(t, ctx, lang)
		if lang != "en" {
			run(t, ctx, chromedp.WaitVisible(chromedp.CSS(`ul.passkeys`)))
			shot(t, ctx, "security-passkeys-"+lang)
		}
	}

	// Removed, it signs nobody in, though the authenticator still has it.
	press(t, ctx, `form[action$="/remove"] button`)
	// The confirmation page says what happens; only its button removes it.
	run(t, ctx, chromedp.WaitReady(chromedp.CSS(`main form input[name="confirmed"]`)))
	mustSee(t, ctx, tr(t, "en", "confirmfirst.passkey_remove.title"))
	checkPage(t, ctx, "passkey-remove-confirm")
	press(t, ctx, `main form button.danger`)
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS(`[data-passkey-register]`)))
	if n := eval[int](t, ctx, `document.querySelectorAll("ul.passkeys li").length`); n != 0 {
		t.Fatalf("%d passkeys listed after removing%s", n, saveFailure(t, ctx))
	}
	logout(t, ctx, s)
	msg := passkeyLogin(t, ctx, s)
	if !strings.Contains(msg, "not accepted") {
		t.Fatalf("removed passkey: got %q%s", msg, saveFailure(t, ctx))
	}
}
