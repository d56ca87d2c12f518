package account

import (
	"testing"

	"github.com/go-webauthn/webauthn/webauthn"
)

// TestCheckClone: the library raises the clone warning when a counting
// authenticator's counter does not go up (WebAuthn §6.1.1), and such a
// passkey is refused; a counter that goes up, or a passkey that never
// counts (synced passkeys report zero), passes.
func TestCheckClone(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name          string
		stored, given uint32
		refused       bool
	}{
		{"counter goes up", 5, 6, false},
		{"counter repeats", 5, 5, true},
		{"counter goes back", 5, 3, true},
		{"never counts", 0, 0, false},
		{"first count", 0, 1, false},
	} {
		cred := &webauthn.Credential{Authenticator: webauthn.Authenticator{SignCount: tc.stored}}
		cred.Authenticator.UpdateCounter(tc.given)
		err := CheckClone(cred)
		if (err != nil) != tc.refused {
			t.Errorf("%s: refused=%v, want %v", tc.name, err != nil, tc.refused)
		}
		if !tc.refused && cred.Authenticator.SignCount != tc.given {
			t.Errorf("%s: stored counter %d, want %d", tc.name, cred.Authenticator.SignCount, tc.given)
		}
	}
}
