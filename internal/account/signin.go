package account

import (
	"context"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/notify"
	"mentorskap/internal/store"
)

// Ways into an account, as the person's sign-in log names them. Every
// session is opened with one (see insertSession), so the log cannot miss a
// method that someone adds later without saying which it is.
const (
	MethodPassword     = "password"      // email and password
	MethodPasswordCode = "password_code" // password, then the code from the app
	MethodResetLink    = "reset_link"    // a new password chosen through an emailed link
	MethodEmailLink    = "email_link"    // an emailed sign-in link
	MethodEmailCode    = "email_code"    // an emailed sign-in link, then the code
	MethodOIDC         = "oidc"          // an organisation's login (OpenID Connect)
	MethodPasskey      = "passkey"       // a passkey
	// A passkey instead of the code, after the password or an email link.
	MethodPasswordPasskey = "password_passkey"
	MethodEmailPasskey    = "email_passkey"
	MethodSetup           = "setup"      // the first administrator, at setup
	MethodInvitation      = "invitation" // an account made by accepting an invitation
)

// SignIn says how a session came to be, for the sign-in log.
type SignIn struct {
	Method   string
	Provider string // the OpenID provider's name, for MethodOIDC
	IP       string
}

// SignInEntry is one row of a person's sign-in log.
type SignInEntry struct {
	At       time.Time
	Method   string
	Provider string
	IP       string
}

// SignInLogSize is how many sign-ins the security page shows.
const SignInLogSize = 20

// recordSignIn writes one row of the log in the transaction that opens the
// session, so that there is no session without its row.
func recordSignIn(ctx context.Context, tx store.Q, now time.Time, userID int64, how SignIn) error {
	_, err := tx.Exec(ctx, `INSERT INTO sign_ins (user_id, at, method, provider, ip) VALUES (?, ?, ?, ?, ?)`,
		userID, now, how.Method, how.Provider, how.IP)
	return err
}

// SignInLog returns the person's latest sign-ins, newest first.
func (s *Service) SignInLog(ctx context.Context, userID int64, n int) ([]SignInEntry, error) {
	rows, err := s.DB.Query(ctx, `SELECT at, method, provider, ip FROM sign_ins WHERE user_id = ?
		ORDER BY at DESC, id DESC LIMIT ?`, userID, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SignInEntry
	for rows.Next() {
		var e SignInEntry
		if err := rows.Scan(&e.At, &e.Method, &e.Provider, &e.IP); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Email sign-in links.
const (
	SignInLinkTTL   = 15 * time.Minute
	MaxLinksPerKey  = 3  // per address typed, within ThrottleWindow
	MaxLinksPerIP   = 10 // per client address
	linkKeyPrefix   = "link:email:"
	linkIPKeyPrefix = "link:ip:"
)

// RequestSignInLink emails a single-use link that signs the person in, when
// the address belongs to an account that may sign in that way. Like
// RequestReset it answers the same whether or not it does, and counts
// requests per address typed and per client address before looking, so
// that it tells nobody who has an account and floods no mailbox. Accounts
// that must use their organisation's login get no link (SSO only); for a
// person with two-factor login the link stands in for the password only,
// and the code is asked for after it.
func (s *Service) RequestSignInLink(ctx context.Context, email, ip, fallbackLang string) error {
	email = NormalizeEmail(email)
	if !ValidEmail(email) {
		return &errs.Error{Kind: errs.Invalid, Key: "error.invalid",
			Fields: map[string]errs.Msg{"email": {Key: "error.email_invalid"}}}
	}
	now := s.Clock.Now()
	if err := reserveMailed(ctx, s.DB, now, limit{linkKeyPrefix + email, MaxLinksPerKey},
		limit{linkIPKeyPrefix + ip, MaxLinksPerIP}, ip, "signin.link.error.throttled"); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		u, err := ByEmail(ctx, tx, email)
		if errs.Is(err, errs.NotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if ssoOnly, err := SSOOnly(ctx, tx, u.ID); err != nil || ssoOnly {
			return err
		}
		token, hash := NewToken()
		if _, err := tx.Exec(ctx, `DELETE FROM sign_in_links WHERE expires_at < ?`, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO sign_in_links (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			hash, u.ID, now, now.Add(SignInLinkTTL)); err != nil {
			return err
		}
		return s.Outbox.Send(ctx, tx, now, notify.Recipient{Email: u.Email, Name: u.Name, Lang: u.LanguageOr(fallbackLang)},
			"sign_in_link", "name", u.Name, "link", s.Outbox.Link("/login/link/"+token), "minutes", int(SignInLinkTTL/time.Minute))
	})
}

// CheckSignInLink reports whether a sign-in link can still be used.
func (s *Service) CheckSignInLink(ctx context.Context, token string) error {
	var n int
	err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM sign_in_links l JOIN users u ON u.id = l.user_id
		WHERE l.token_hash = ? AND l.used_at IS NULL AND l.expires_at > ? AND NOT u.sso_only`,
		HashToken(token), s.Clock.Now()).Scan(&n)
	if err == nil && n == 0 {
		err = errs.E(errs.NotFound, "signin.link.error.invalid")
	}
	return err
}

// UseSignInLink spends a sign-in link. It opens a session, or, for a person
// with two-factor login, a challenge that waits for their code (the link
// replaces the password, not the second factor). The link is used up in
// the same statement that finds it, so two racing requests see one winner.
func (s *Service) UseSignInLink(ctx context.Context, token, ip string) (session, challenge string, err error) {
	err = s.DB.Tx(ctx, func(tx *store.Tx) error {
		now := s.Clock.Now()
		var userID int64
		err := tx.QueryRow(ctx, `UPDATE sign_in_links SET used_at = ?
			WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id`,
			now, HashToken(token), now).Scan(&userID)
		if err != nil {
			return store.NotFound(err, "signin.link.error.invalid")
		}
		// An account switched to SSO only after the link was sent.
		if ssoOnly, err := SSOOnly(ctx, tx, userID); err != nil || ssoOnly {
			if err == nil {
				err = errs.E(errs.NotFound, "signin.link.error.invalid")
			}
			return err
		}
		on, err := TOTPEnabled(ctx, tx, userID)
		if err != nil {
			return err
		}
		if on {
			challenge, err = createChallenge(ctx, tx, now, userID, SignIn{Method: MethodEmailCode})
			return err
		}
		session, err = s.createSession(ctx, tx, now, userID, SignIn{Method: MethodEmailLink, IP: ip})
		return err
	})
	return session, challenge, err
}

// SSOOnly reports whether the person must sign in with their
// organisation's login: no password, email link or passkey then.
func SSOOnly(ctx context.Context, q store.Q, userID int64) (bool, error) {
	var on bool
	err := q.QueryRow(ctx, `SELECT sso_only FROM users WHERE id = ?`, userID).Scan(&on)
	return on, store.NotFound(err, "error.not_found")
}
