package account

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"mentorskap/internal/errs"
	"mentorskap/internal/store"
)

// Passkeys (WebAuthn). github.com/go-webauthn/webauthn does the ceremony
// and the cryptography; this file keeps the records and Mentorskap's rules:
// a passkey signs a person in instead of their password, needs the
// authenticator to verify the person (PIN, fingerprint, face), and is
// refused when its counter says it may have been copied.

// NewWebAuthn configures the relying party from the site's public address:
// its host is the identity passkeys are bound to, its origin the only one
// accepted. A site reached by IP address cannot have passkeys (browsers
// take only a domain as their site): then it returns nil, and passkeys are
// not offered.
func NewWebAuthn(baseURL string) (*webauthn.WebAuthn, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, err
	}
	if net.ParseIP(u.Hostname()) != nil {
		return nil, nil
	}
	return webauthn.New(&webauthn.Config{
		RPID:          u.Hostname(),
		RPDisplayName: "Mentorskap",
		RPOrigins:     []string{u.Scheme + "://" + u.Host},
		Timeouts: webauthn.TimeoutsConfig{
			Login:        webauthn.TimeoutConfig{Enforce: true, Timeout: CeremonyTTL},
			Registration: webauthn.TimeoutConfig{Enforce: true, Timeout: CeremonyTTL},
		},
	})
}

// Limits on passkeys.
const (
	CeremonyTTL    = 5 * time.Minute
	MaxPasskeys    = 20
	MaxPasskeyName = 80
)

// Passkey is one registered passkey, for the security page.
type Passkey struct {
	ID           int64
	Name         string
	CreatedAt    time.Time
	LastUsedAt   *time.Time
	CloneWarning bool
}

// passkeyUser is a person as the WebAuthn library sees them.
type passkeyUser struct {
	handle []byte
	u      *User
	creds  []webauthn.Credential
}

func (p *passkeyUser) WebAuthnID() []byte                         { return p.handle }
func (p *passkeyUser) WebAuthnName() string                       { return p.u.Email }
func (p *passkeyUser) WebAuthnDisplayName() string                { return p.u.Name }
func (p *passkeyUser) WebAuthnCredentials() []webauthn.Credential { return p.creds }

var b64u = base64.RawURLEncoding

// loadPasskeyUser reads a person with their handle (made at first use) and
// credentials.
func loadPasskeyUser(ctx context.Context, q store.Q, userID int64, create bool) (*passkeyUser, error) {
	u, err := ByID(ctx, q, userID)
	if err != nil {
		return nil, err
	}
	p := &passkeyUser{u: u}
	var handle string
	err = q.QueryRow(ctx, `SELECT handle FROM passkey_users WHERE user_id = ?`, userID).Scan(&handle)
	if err != nil {
		if store.NotFound(err, "") == err || !create {
			return nil, store.NotFound(err, "passkey.error.refused")
		}
		b := make([]byte, 32)
		rand.Read(b)
		handle = b64u.EncodeToString(b)
		if _, err := q.Exec(ctx, `INSERT INTO passkey_users (user_id, handle) VALUES (?, ?)`, userID, handle); err != nil {
			return nil, err
		}
	}
	p.handle, _ = b64u.DecodeString(handle)
	rows, err := q.Query(ctx, `SELECT credential FROM passkeys WHERE user_id = ? ORDER BY id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			return nil, err
		}
		var c webauthn.Credential
		if err := json.Unmarshal([]byte(raw), &c); err != nil {
			return nil, err
		}
		p.creds = append(p.creds, c)
	}
	return p, rows.Err()
}

func (s *Service) webAuthn() (*webauthn.WebAuthn, error) {
	if s.WebAuthn == nil {
		return nil, errs.E(errs.NotFound, "passkey.error.off")
	}
	return s.WebAuthn, nil
}

// saveCeremony keeps the library's session data between the two requests
// of a ceremony, under a token the browser holds.
func saveCeremony(ctx context.Context, tx store.Q, now time.Time, kind string, userID int64, sd *webauthn.SessionData) (string, error) {
	raw, err := json.Marshal(sd)
	if err != nil {
		return "", err
	}
	token, hash := NewToken()
	if _, err := tx.Exec(ctx, `DELETE FROM webauthn_ceremonies WHERE expires_at < ?`, now); err != nil {
		return "", err
	}
	var uid any
	if userID > 0 {
		uid = userID
	}
	_, err = tx.Exec(ctx, `INSERT INTO webauthn_ceremonies (token_hash, kind, user_id, session, expires_at) VALUES (?, ?, ?, ?, ?)`,
		hash, kind, uid, string(raw), now.Add(CeremonyTTL))
	return token, err
}

// takeCeremony uses up a ceremony: each works once.
func takeCeremony(ctx context.Context, db *store.DB, now time.Time, token, kind string) (*webauthn.SessionData, int64, error) {
	var raw string
	var uid *int64
	err := db.Tx(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `DELETE FROM webauthn_ceremonies WHERE token_hash = ? AND kind = ? AND expires_at > ?
			RETURNING session, user_id`, HashToken(token), kind, now).Scan(&raw, &uid)
	})
	if err != nil {
		if store.NotFound(err, "") != err {
			return nil, 0, errs.E(errs.Unauthorized, "passkey.error.expired")
		}
		return nil, 0, err
	}
	var sd webauthn.SessionData
	if err := json.Unmarshal([]byte(raw), &sd); err != nil {
		return nil, 0, err
	}
	var id int64
	if uid != nil {
		id = *uid
	}
	return &sd, id, nil
}

// BeginPasskeyRegistration returns the options for the browser's
// navigator.credentials.create, as JSON, and the ceremony's token. The
// passkey must be discoverable (signs in without typing the address) and
// verify the person.
func (s *Service) BeginPasskeyRegistration(ctx context.Context, userID int64) ([]byte, string, error) {
	wa, err := s.webAuthn()
	if err != nil {
		return nil, "", err
	}
	var opts []byte
	var token string
	err = s.DB.Tx(ctx, func(tx *store.Tx) error {
		p, err := loadPasskeyUser(ctx, tx, userID, true)
		if err != nil {
			return err
		}
		if len(p.creds) >= MaxPasskeys {
			return errs.E(errs.Conflict, "passkey.error.too_many", "max", MaxPasskeys)
		}
		var exclude []protocol.CredentialDescriptor
		for _, c := range p.creds {
			exclude = append(exclude, c.Descriptor())
		}
		creation, sd, err := wa.BeginRegistration(p,
			webauthn.WithExclusions(exclude),
			webauthn.WithAuthenticatorSelection(protocol.AuthenticatorSelection{
				ResidentKey: protocol.ResidentKeyRequirementRequired, UserVerification: protocol.VerificationRequired}))
		if err != nil {
			return err
		}
		if opts, err = json.Marshal(creation); err != nil {
			return err
		}
		token, err = saveCeremony(ctx, tx, s.Clock.Now(), "register", userID, sd)
		return err
	})
	return opts, token, err
}

// FinishPasskeyRegistration checks the browser's answer and keeps the
// passkey under the name the person gave it.
func (s *Service) FinishPasskeyRegistration(ctx context.Context, userID int64, ceremony, name string, response []byte) error {
	wa, err := s.webAuthn()
	if err != nil {
		return err
	}
	name = strings.TrimSpace(name)
	var v errs.Validation
	v.Check(name != "", "passkey_name", "error.required")
	v.Check(utf8.RuneCountInString(name) <= MaxPasskeyName, "passkey_name", "error.too_long", "max", MaxPasskeyName)
	if err := v.Err(); err != nil {
		return err
	}
	now := s.Clock.Now()
	sd, owner, err := takeCeremony(ctx, s.DB, now, ceremony, "register")
	if err != nil {
		return err
	}
	if owner != userID {
		return errs.E(errs.Unauthorized, "passkey.error.expired")
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(response)
	if err != nil {
		return wrapE(errs.Invalid, "passkey.error.refused", err)
	}
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		p, err := loadPasskeyUser(ctx, tx, userID, false)
		if err != nil {
			return err
		}
		cred, err := wa.CreateCredential(p, *sd, parsed)
		if err != nil {
			return wrapE(errs.Invalid, "passkey.error.refused", err)
		}
		raw, err := json.Marshal(cred)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO passkeys (user_id, credential_id, name, credential, created_at) VALUES (?, ?, ?, ?, ?)`,
			userID, b64u.EncodeToString(cred.ID), name, string(raw), now)
		if store.IsUnique(err) {
			return errs.E(errs.Conflict, "passkey.error.exists")
		}
		return err
	})
}

// Passkeys lists a person's passkeys.
func (s *Service) Passkeys(ctx context.Context, userID int64) ([]Passkey, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, name, created_at, last_used_at, clone_warning FROM passkeys WHERE user_id = ? ORDER BY id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Passkey
	for rows.Next() {
		var p Passkey
		if err := rows.Scan(&p.ID, &p.Name, &p.CreatedAt, &p.LastUsedAt, &p.CloneWarning); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// RemovePasskey deletes one of the person's passkeys; it signs nobody in
// from then on.
func (s *Service) RemovePasskey(ctx context.Context, userID, id int64) error {
	res, err := s.DB.Exec(ctx, `DELETE FROM passkeys WHERE id = ? AND user_id = ?`, id, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.E(errs.NotFound, "error.not_found")
	}
	return nil
}

// BeginPasskeyLogin returns the options for navigator.credentials.get,
// with no address asked for: the passkey names its person.
func (s *Service) BeginPasskeyLogin(ctx context.Context) ([]byte, string, error) {
	wa, err := s.webAuthn()
	if err != nil {
		return nil, "", err
	}
	assertion, sd, err := wa.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		return nil, "", err
	}
	opts, err := json.Marshal(assertion)
	if err != nil {
		return nil, "", err
	}
	var token string
	err = s.DB.Tx(ctx, func(tx *store.Tx) (err error) {
		token, err = saveCeremony(ctx, tx, s.Clock.Now(), "login", 0, sd)
		return err
	})
	return opts, token, err
}

// FinishPasskeyLogin checks a signed challenge and opens a session. The
// passkey verified the person on the device, so it is a whole login, with
// no code after it. Failures count against the client address's login
// throttle, as wrong passwords do.
func (s *Service) FinishPasskeyLogin(ctx context.Context, ceremony string, response []byte, ip string) (*User, string, error) {
	wa, err := s.webAuthn()
	if err != nil {
		return nil, "", err
	}
	now := s.Clock.Now()
	var limits []limit
	if ip != "" {
		limits = append(limits, limit{"ip:" + ip, MaxFailsPerIP})
	}
	a, err := reserve(ctx, s.DB, now, limits...)
	if err != nil {
		return nil, "", err
	}
	sd, _, err := takeCeremony(ctx, s.DB, now, ceremony, "login")
	if err != nil {
		return nil, "", a.settle(ctx, false, err)
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(response)
	if err != nil {
		return nil, "", wrapE(errs.Unauthorized, "passkey.error.refused", err)
	}
	var userID int64
	handler := func(rawID, userHandle []byte) (webauthn.User, error) {
		var uid int64
		if err := s.DB.QueryRow(ctx, `SELECT user_id FROM passkey_users WHERE handle = ?`, b64u.EncodeToString(userHandle)).Scan(&uid); err != nil {
			return nil, err
		}
		userID = uid
		return loadPasskeyUser(ctx, s.DB, uid, false)
	}
	_, cred, err := wa.ValidatePasskeyLogin(handler, *sd, parsed)
	if err != nil {
		// An unknown or removed passkey, a wrong signature or origin.
		return nil, "", wrapE(errs.Unauthorized, "passkey.error.refused", err)
	}
	if err := CheckClone(cred); err != nil {
		// Kept outside the transaction below, which this refusal rolls
		// back: the passkey stays refused until its owner removes it.
		if _, uerr := s.DB.Exec(ctx, `UPDATE passkeys SET clone_warning = ? WHERE credential_id = ?`,
			true, b64u.EncodeToString(cred.ID)); uerr != nil {
			return nil, "", uerr
		}
		return nil, "", err
	}
	var session string
	err = s.DB.Tx(ctx, func(tx *store.Tx) error {
		if err := usePasskey(ctx, tx, now, userID, cred); err != nil {
			return err
		}
		if ssoOnly, err := SSOOnly(ctx, tx, userID); err != nil || ssoOnly {
			if err == nil {
				err = errs.E(errs.Unauthorized, "sso.error.sso_only")
			}
			return err
		}
		if err := a.release(ctx, tx); err != nil {
			return err
		}
		session, err = s.createSession(ctx, tx, now, userID, SignIn{Method: MethodPasskey, IP: ip})
		return err
	})
	if err != nil {
		return nil, "", err
	}
	u, err := s.ByID(ctx, userID)
	return u, session, err
}

// usePasskey stores the credential's new counter and flags after a good
// signature, unless the passkey was marked as possibly copied (see
// CheckClone).
func usePasskey(ctx context.Context, tx store.Q, now time.Time, userID int64, cred *webauthn.Credential) error {
	id := b64u.EncodeToString(cred.ID)
	var warned bool
	if err := tx.QueryRow(ctx, `SELECT clone_warning FROM passkeys WHERE credential_id = ? AND user_id = ?`, id, userID).Scan(&warned); err != nil {
		return store.NotFound(err, "passkey.error.refused")
	}
	if warned {
		return errs.E(errs.Unauthorized, "passkey.error.clone")
	}
	raw, err := json.Marshal(cred)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE passkeys SET credential = ?, last_used_at = ? WHERE credential_id = ? AND user_id = ?`, string(raw), now, id, userID)
	return err
}

// CheckClone refuses a passkey whose signature counter did not go up. An
// authenticator that counts (most security keys) increases it at every
// use; a lower or equal value means another copy of the key has been used
// (WebAuthn §6.1.1), so the sign-in is refused. Passkeys that never count
// (synced ones report zero) pass.
func CheckClone(cred *webauthn.Credential) error {
	if cred.Authenticator.CloneWarning {
		return errs.E(errs.Unauthorized, "passkey.error.clone")
	}
	return nil
}

// Passkeys as the second factor: after the password (or an email link, or a
// provider) a person with two-factor login may confirm with a passkey
// instead of the code from their app.

// factorMethod is how the sign-in log names a login finished by a passkey
// instead of the code.
func factorMethod(first string) string {
	switch first {
	case MethodPasswordCode:
		return MethodPasswordPasskey
	case MethodEmailCode:
		return MethodEmailPasskey
	}
	return first
}

// challengeUser reads the person a pending two-factor login is for.
func (s *Service) challengeUser(ctx context.Context, challenge string) (int64, string, SignIn, error) {
	var uid int64
	var email string
	var how SignIn
	err := s.DB.QueryRow(ctx, `SELECT u.id, u.email, c.method, c.provider FROM login_challenges c JOIN users u ON u.id = c.user_id
		WHERE c.token_hash = ? AND c.expires_at > ?`, HashToken(challenge), s.Clock.Now()).Scan(&uid, &email, &how.Method, &how.Provider)
	if err != nil {
		if store.NotFound(err, "") != err {
			return 0, "", how, errs.E(errs.Unauthorized, "totp.error.expired")
		}
		return 0, "", how, err
	}
	return uid, email, how, nil
}

// ChallengeHasPasskeys reports whether the person a pending login is for
// can confirm it with a passkey.
func (s *Service) ChallengeHasPasskeys(ctx context.Context, challenge string) bool {
	if s.WebAuthn == nil {
		return false
	}
	uid, _, _, err := s.challengeUser(ctx, challenge)
	if err != nil {
		return false
	}
	var n int
	s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM passkeys WHERE user_id = ? AND NOT clone_warning`, uid).Scan(&n)
	return n > 0
}

// BeginPasskeyFactor returns the options for confirming a pending login
// with one of the person's passkeys.
func (s *Service) BeginPasskeyFactor(ctx context.Context, challenge string) ([]byte, string, error) {
	wa, err := s.webAuthn()
	if err != nil {
		return nil, "", err
	}
	uid, _, _, err := s.challengeUser(ctx, challenge)
	if err != nil {
		return nil, "", err
	}
	p, err := loadPasskeyUser(ctx, s.DB, uid, false)
	if errs.Is(err, errs.NotFound) || err == nil && len(p.creds) == 0 {
		return nil, "", errs.E(errs.NotFound, "passkey.error.none")
	}
	if err != nil {
		return nil, "", err
	}
	assertion, sd, err := wa.BeginLogin(p, webauthn.WithUserVerification(protocol.VerificationPreferred))
	if err != nil {
		return nil, "", err
	}
	opts, err := json.Marshal(assertion)
	if err != nil {
		return nil, "", err
	}
	var token string
	err = s.DB.Tx(ctx, func(tx *store.Tx) (err error) {
		token, err = saveCeremony(ctx, tx, s.Clock.Now(), "factor", uid, sd)
		return err
	})
	return opts, token, err
}

// FinishPasskeyFactor confirms a pending login with a passkey and opens the
// session, counting against the login throttle as a code would.
func (s *Service) FinishPasskeyFactor(ctx context.Context, challenge, ceremony string, response []byte, ip string) (string, error) {
	wa, err := s.webAuthn()
	if err != nil {
		return "", err
	}
	uid, email, how, err := s.challengeUser(ctx, challenge)
	if err != nil {
		return "", err
	}
	now := s.Clock.Now()
	a, err := reserve(ctx, s.DB, now, loginLimits(email, ip)...)
	if err != nil {
		return "", err
	}
	sd, owner, err := takeCeremony(ctx, s.DB, now, ceremony, "factor")
	if err == nil && owner != uid {
		err = errs.E(errs.Unauthorized, "passkey.error.expired")
	}
	if err != nil {
		return "", a.settle(ctx, false, err)
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(response)
	if err != nil {
		return "", wrapE(errs.Unauthorized, "passkey.error.refused", err)
	}
	p, err := loadPasskeyUser(ctx, s.DB, uid, false)
	if err != nil {
		return "", err
	}
	cred, err := wa.ValidateLogin(p, *sd, parsed)
	if err != nil {
		return "", wrapE(errs.Unauthorized, "passkey.error.refused", err)
	}
	if err := CheckClone(cred); err != nil {
		if _, uerr := s.DB.Exec(ctx, `UPDATE passkeys SET clone_warning = ? WHERE credential_id = ?`,
			true, b64u.EncodeToString(cred.ID)); uerr != nil {
			return "", uerr
		}
		return "", err
	}
	var session string
	err = s.DB.Tx(ctx, func(tx *store.Tx) error {
		if err := usePasskey(ctx, tx, now, uid, cred); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM login_challenges WHERE token_hash = ?`, HashToken(challenge))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.Unauthorized, "totp.error.expired")
		}
		if err := a.release(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE key = ?`, "email:"+email); err != nil {
			return err
		}
		how.IP = ip
		how.Method = factorMethod(how.Method)
		session, err = s.createSession(ctx, tx, now, uid, how)
		return err
	})
	return session, err
}
