package web

import (
	"mentorskap/internal/httpx"
	"slices"
	"strings"
	"testing"
)

// pageToAPI names, for every page route that changes state, the API
// operation that does the same, so that a program can do through /api/v1
// whatever a person can do on the pages. A route that must stay on the web
// says why instead, starting with "web only:". When you add a page form,
// add its API operation and a line here; TestEveryPageActionHasAnAPI fails
// until you do.
var pageToAPI = map[string]string{
	// Signing in and out is the browser's: the API authenticates with tokens.
	"POST /login":         "POST /api/v1/tokens",
	"POST /login/code":    "POST /api/v1/tokens", // the two-factor code goes in the token request's "code"
	"POST /logout":        "web only: ends a browser session; an API client revokes its token with DELETE /api/v1/tokens/{tokenID}",
	"POST /setup":         "web only: creates the first administrator once, at installation, before any token can exist",
	"POST /forgot":        "web only: the reset link arrives by email and is opened in a browser; an API client that knows its password uses PUT /api/v1/me/password",
	"POST /reset/{token}": "web only: the second half of POST /forgot, opened from the emailed link",
	"POST /language":      "web only: sets the language cookie of an anonymous browser; an account's language is PATCH /api/v1/me",
	// The other ways in are browser ceremonies too: a login link is opened
	// from an email, a provider sends the browser back, and a passkey
	// answers the browser's WebAuthn prompt. None can be done with a token.
	"POST /login/link":                               "web only: asks for a sign-in link that is opened in a browser; API clients use tokens",
	"POST /login/link/{token}":                       "web only: spends the emailed sign-in link and opens a browser session",
	"POST /login/oidc/{provider}":                    "web only: sends the browser to the provider and back (authorization code flow)",
	"POST /login/passkey":                            "web only: answers the browser's WebAuthn prompt to open a browser session",
	"POST /login/passkey/options":                    "web only: the WebAuthn challenge for the browser's prompt",
	"POST /login/code/passkey":                       "web only: a passkey as the second factor of a browser sign-in",
	"POST /login/code/passkey/options":               "web only: the WebAuthn challenge for the second factor",
	"POST /profile/security/passkeys":                "web only: registering a passkey is a WebAuthn ceremony in the browser",
	"POST /profile/security/passkeys/options":        "web only: the WebAuthn challenge for registering a passkey",
	"POST /profile/security/passkeys/{id}/remove":    "web only: passkeys exist only for browser sign-in; removing one belongs with them",
	"POST /profile/security/sso/{provider}/link":     "web only: linking sends the browser to the provider and back",
	"POST /profile/security/sso/{provider}/unlink":   "web only: provider links exist only for browser sign-in; unlinking belongs with linking",
	"POST /profile/security/sso-only":                "web only: changes how a browser may sign in; API tokens are not affected by it",
	"POST /programs/{id}/coordinators/{user}/remove": "DELETE /api/v1/programs/{programID}/coordinators/{userID}",
	"POST /programs/{id}/dashboard/nudge":            "POST /api/v1/programs/{programID}/nudges",

	"POST /profile":                       "PATCH /api/v1/me",
	"POST /profile/photo":                 "PUT /api/v1/me/photo",
	"POST /profile/photo/delete":          "DELETE /api/v1/me/photo",
	"POST /admin/sso":                     "PUT /api/v1/sso/providers/{provider}",
	"POST /admin/sso/{provider}/delete":   "DELETE /api/v1/sso/providers/{provider}",
	"POST /profile/password":              "PUT /api/v1/me/password",
	"POST /profile/delete":                "DELETE /api/v1/me",
	"POST /profile/reminders":             "PUT /api/v1/me/reminders",
	"POST /profile/tokens":                "POST /api/v1/tokens",
	"POST /profile/tokens/{id}/revoke":    "DELETE /api/v1/tokens/{tokenID}",
	"POST /profile/security/totp":         "POST /api/v1/me/two-factor",
	"POST /profile/security/totp/confirm": "POST /api/v1/me/two-factor/confirm",
	"POST /profile/security/totp/disable": "POST /api/v1/me/two-factor/disable",
	"POST /calendar/renew":                "POST /api/v1/calendar/feed",
	"POST /calendar/revoke":               "DELETE /api/v1/calendar/feed",

	"POST /admin/users":                          "POST /api/v1/users",
	"POST /admin/users/{id}/role":                "PUT /api/v1/users/{userID}/role",
	"POST /admin/brand":                          "PUT /api/v1/brand",
	"POST /programs/{id}/webhooks":               "POST /api/v1/programs/{programID}/webhooks",
	"POST /programs/{id}/webhooks/{hook}/rotate": "POST /api/v1/programs/{programID}/webhooks/{webhookID}/rotate",
	"POST /programs/{id}/webhooks/{hook}/remove": "DELETE /api/v1/programs/{programID}/webhooks/{webhookID}",

	"POST /programs":                         "POST /api/v1/programs",
	"POST /programs/{id}/edit":               "PATCH /api/v1/programs/{programID}",
	"POST /programs/{id}/coordinators":       "POST /api/v1/programs/{programID}/coordinators",
	"POST /programs/{id}/outcomes/settings":  "PUT /api/v1/programs/{programID}/outcomes/settings",
	"POST /outcomes/{id}":                    "POST /api/v1/outcomes/{outcomeID}/answer",
	"POST /programs/{id}/agreement-template": "PUT /api/v1/programs/{programID}/agreement-template",
	"POST /programs/{id}/retention":          "PUT /api/v1/programs/{programID}/retention",
	"POST /programs/{id}/meeting-plan":       "PUT /api/v1/programs/{programID}/meeting-plan/{lang}",
	"POST /programs/{id}/meeting-plan/reset": "DELETE /api/v1/programs/{programID}/meeting-plan/{lang}",

	"POST /programs/{id}/invitations":                        "POST /api/v1/programs/{programID}/invitations",
	"POST /programs/{id}/invitations/upload":                 "POST /api/v1/programs/{programID}/invitations/upload",
	"POST /programs/{id}/invitations/{inv}/resend":           "POST /api/v1/programs/{programID}/invitations/{invitationID}/resend",
	"POST /programs/{id}/invitations/{inv}/revoke":           "DELETE /api/v1/programs/{programID}/invitations/{invitationID}",
	"POST /invite/{token}":                                   "POST /api/v1/invitations/{token}/accept",
	"POST /join/{token}":                                     "POST /api/v1/join/{token}",
	"POST /programs/{id}/profile":                            "PUT /api/v1/programs/{programID}/profile",
	"POST /programs/{id}/participants/{user}/approve":        "POST /api/v1/programs/{programID}/participants/{userID}/approve",
	"POST /programs/{id}/participants/{user}/decline":        "POST /api/v1/programs/{programID}/participants/{userID}/decline",
	"POST /programs/{id}/participants/{user}/return":         "POST /api/v1/programs/{programID}/participants/{userID}/return",
	"POST /programs/{id}/pairs":                              "POST /api/v1/programs/{programID}/pairs",
	"POST /programs/{id}/pairs/{pair}/end":                   "POST /api/v1/programs/{programID}/pairs/{pairID}/end",
	"POST /programs/{id}/chemistry/{pair}/rematch":           "POST /api/v1/programs/{programID}/chemistry/{pairID}/rematch",
	"POST /programs/{id}/evaluations/settings":               "PUT /api/v1/programs/{programID}/evaluations/settings",
	"POST /programs/{id}/evaluations/questions":              "POST /api/v1/programs/{programID}/evaluations/questions",
	"POST /programs/{id}/evaluations/questions/{qid}":        "PUT /api/v1/programs/{programID}/evaluations/questions/{questionID}",
	"POST /programs/{id}/evaluations/questions/{qid}/move":   "POST /api/v1/programs/{programID}/evaluations/questions/{questionID}/move",
	"POST /programs/{id}/evaluations/questions/{qid}/remove": "DELETE /api/v1/programs/{programID}/evaluations/questions/{questionID}",

	"POST /programs/{id}/questions":                "POST /api/v1/programs/{programID}/questions",
	"POST /programs/{id}/questions/{qid}":          "PUT /api/v1/programs/{programID}/questions/{questionID}",
	"POST /programs/{id}/questions/{qid}/matching": "PUT /api/v1/programs/{programID}/questions/{questionID}/matching",
	"POST /programs/{id}/questions/{qid}/move":     "POST /api/v1/programs/{programID}/questions/{questionID}/move",
	"POST /programs/{id}/questions/{qid}/remove":   "DELETE /api/v1/programs/{programID}/questions/{questionID}",
	"POST /programs/{id}/questions/{qid}/restore":  "POST /api/v1/programs/{programID}/questions/{questionID}/restore",

	"POST /programs/{id}/matching/settings":             "PUT /api/v1/programs/{programID}/matching/settings",
	"POST /programs/{id}/matching/run":                  "POST /api/v1/programs/{programID}/matching/proposal/run",
	"POST /programs/{id}/matching/publish":              "POST /api/v1/programs/{programID}/matching/proposal/publish",
	"POST /programs/{id}/matching/manual":               "POST /api/v1/programs/{programID}/matching/proposal/rows",
	"POST /programs/{id}/matching/swap":                 "POST /api/v1/programs/{programID}/matching/proposal/swap",
	"POST /programs/{id}/matching/rows/{mentee}/lock":   "POST /api/v1/programs/{programID}/matching/proposal/rows/{menteeUserID}/lock",
	"POST /programs/{id}/matching/rows/{mentee}/unlock": "POST /api/v1/programs/{programID}/matching/proposal/rows/{menteeUserID}/unlock",
	"POST /programs/{id}/matching/rows/{mentee}/remove": "DELETE /api/v1/programs/{programID}/matching/proposal/rows/{menteeUserID}",
	"POST /programs/{id}/suggestions":                   "POST /api/v1/programs/{programID}/match-requests",
	"POST /programs/{id}/requests/{request}/accept":     "POST /api/v1/programs/{programID}/match-requests/{requestID}/accept",
	"POST /programs/{id}/requests/{request}/decline":    "POST /api/v1/programs/{programID}/match-requests/{requestID}/decline",
	"POST /programs/{id}/requests/{request}/withdraw":   "POST /api/v1/programs/{programID}/match-requests/{requestID}/withdraw",

	"POST /pairs/{id}/preparation":        "PUT /api/v1/pairs/{pairID}/preparation",
	"POST /pairs/{id}/agreement/edit":     "PUT /api/v1/pairs/{pairID}/agreement",
	"POST /pairs/{id}/agreement/sign":     "POST /api/v1/pairs/{pairID}/agreement/sign",
	"POST /pairs/{id}/chemistry":          "PUT /api/v1/pairs/{pairID}/chemistry",
	"POST /pairs/{id}/end":                "POST /api/v1/pairs/{pairID}/end",
	"POST /pairs/{id}/closing/reflection": "PUT /api/v1/pairs/{pairID}/closing/reflection",
	"POST /pairs/{id}/evaluations/{kind}": "PUT /api/v1/pairs/{pairID}/evaluations/{kind}",
	"POST /pairs/{id}/messages":           "POST /api/v1/pairs/{pairID}/messages",

	"POST /pairs/{id}/goals":                                  "POST /api/v1/pairs/{pairID}/goals",
	"POST /pairs/{id}/goals/{goal}":                           "PATCH /api/v1/pairs/{pairID}/goals/{goalID}",
	"POST /pairs/{id}/goals/{goal}/delete":                    "DELETE /api/v1/pairs/{pairID}/goals/{goalID}",
	"POST /pairs/{id}/goals/{goal}/subgoals":                  "POST /api/v1/pairs/{pairID}/goals", // with parent_id
	"POST /pairs/{id}/goals/{goal}/meetings":                  "POST /api/v1/pairs/{pairID}/goals/{goalID}/meetings",
	"POST /pairs/{id}/goals/{goal}/meetings/{meeting}/unlink": "DELETE /api/v1/pairs/{pairID}/goals/{goalID}/meetings/{meetingID}",

	"POST /pairs/{id}/meetings":                                  "POST /api/v1/pairs/{pairID}/meetings",
	"POST /pairs/{id}/meetings/{mid}/accept":                     "POST /api/v1/pairs/{pairID}/meetings/{meetingID}/accept",
	"POST /pairs/{id}/meetings/{mid}/counter":                    "POST /api/v1/pairs/{pairID}/meetings/{meetingID}/counter",
	"POST /pairs/{id}/meetings/{mid}/move":                       "POST /api/v1/pairs/{pairID}/meetings/{meetingID}/move",
	"POST /pairs/{id}/meetings/{mid}/cancel":                     "POST /api/v1/pairs/{pairID}/meetings/{meetingID}/cancel",
	"POST /pairs/{id}/meetings/{mid}/agenda":                     "PUT /api/v1/pairs/{pairID}/meetings/{meetingID}/agenda",
	"POST /pairs/{id}/meetings/{mid}/notes":                      "PUT /api/v1/pairs/{pairID}/meetings/{meetingID}/notes",
	"POST /pairs/{id}/meetings/{mid}/notes/private":              "PUT /api/v1/pairs/{pairID}/meetings/{meetingID}/private-note",
	"POST /pairs/{id}/meetings/{mid}/notes/actions":              "POST /api/v1/pairs/{pairID}/meetings/{meetingID}/action-items",
	"POST /pairs/{id}/meetings/{mid}/notes/actions/{aid}":        "PUT /api/v1/pairs/{pairID}/action-items/{itemID}",
	"POST /pairs/{id}/meetings/{mid}/notes/actions/{aid}/review": "POST /api/v1/pairs/{pairID}/meetings/{meetingID}/action-items/{itemID}/review",
}

// TestEveryPageActionHasAnAPI fails when a page route that changes state
// has neither an API operation nor a reason to stay web-only in pageToAPI,
// or when pageToAPI names an operation that does not exist.
func TestEveryPageActionHasAnAPI(t *testing.T) {
	t.Parallel()
	ops := map[string]bool{}
	for _, rt := range apiTable() {
		ops[rt.Method+" "+rt.Pattern] = true
	}
	var missing []string
	seen := map[string]bool{}
	for _, pattern := range pageRoutes(t) {
		method, path, ok := strings.Cut(pattern, " ")
		if !ok || strings.HasPrefix(path, httpx.Prefix+"/") || method == "GET" || method == "HEAD" {
			continue
		}
		seen[pattern] = true
		to, ok := pageToAPI[pattern]
		switch {
		case !ok:
			missing = append(missing, pattern)
		case strings.HasPrefix(to, "web only"):
			if len(to) < len("web only: ")+20 {
				t.Errorf("%s: say why it stays web-only", pattern)
			}
		case !ops[to]:
			t.Errorf("%s: pageToAPI names %q, which the API does not have", pattern, to)
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("page routes that change state without an API operation (add one, and a line to pageToAPI):\n  %s", strings.Join(missing, "\n  "))
	}
	for pattern := range pageToAPI {
		if !seen[pattern] {
			t.Errorf("pageToAPI lists %s, which is no longer a page route", pattern)
		}
	}
}
