package account

import (
	"context"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/notify"
	"mentorskap/internal/store"
)

// RequestReset emails a single-use reset link when the address belongs to an
// account. It answers the same either way so that the form cannot be used to
// find out who has an account: requests are counted per address typed and
// per client address whether or not an account has it, and refused alike
// past MaxResetsPerKey and MaxResetsPerIP within ThrottleWindow, so that the
// form cannot flood a mailbox either. fallbackLang is used when the person
// has not chosen a language.
func (s *Service) RequestReset(ctx context.Context, email, ip, fallbackLang string) error {
	email = NormalizeEmail(email)
	if !ValidEmail(email) {
		return &errs.Error{Kind: errs.Invalid, Key: "error.invalid",
			Fields: map[string]errs.Msg{"email": {Key: "error.email_invalid"}}}
	}
	now := s.Clock.Now()
	if err := reserveMailed(ctx, s.DB, now, limit{"reset:email:" + email, MaxResetsPerKey},
		limit{"reset:ip:" + ip, MaxResetsPerIP}, ip, "forgot.error.throttled"); err != nil {
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
		// An account that signs in only through its organisation has no
		// password to reset.
		if ssoOnly, err := SSOOnly(ctx, tx, u.ID); err != nil || ssoOnly {
			return err
		}
		token, hash := NewToken()
		if _, err := tx.Exec(ctx, `INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			hash, u.ID, now, now.Add(ResetTTL)); err != nil {
			return err
		}
		return s.Outbox.Send(ctx, tx, now, notify.Recipient{Email: u.Email, Name: u.Name, Lang: u.LanguageOr(fallbackLang)},
			"password_reset", "name", u.Name, "link", s.Outbox.Link("/reset/"+token), "minutes", int(ResetTTL/time.Minute))
	})
}

// CheckReset reports whether a reset token can still be used.
func (s *Service) CheckReset(ctx context.Context, token string) error {
	var expires time.Time
	var used *time.Time
	err := s.DB.QueryRow(ctx, `SELECT expires_at, used_at FROM password_resets WHERE token_hash = ?`, HashToken(token)).Scan(&expires, &used)
	if err != nil {
		return store.NotFound(err, "reset.error.invalid_link")
	}
	if used != nil || !s.Clock.Now().Before(expires) {
		return errs.E(errs.NotFound, "reset.error.invalid_link")
	}
	return nil
}

// ResetPassword sets a new password with a reset token and ends every way
// into the account (sessions, API tokens, pending two-factor logins, the
// other reset links: see endWaysIn), then opens a fresh session, unless the
// person has two-factor login (then the session is "").
func (s *Service) ResetPassword(ctx context.Context, token, password string) (string, error) {
	var v errs.Validation
	checkPassword(&v, "password", password)
	if err := v.Err(); err != nil {
		return "", err
	}
	// A made-up link must not cost a hash.
	if err := s.CheckReset(ctx, token); err != nil {
		return "", err
	}
	newHash, err := s.gate(ctx).Hash(ctx, password)
	if err != nil {
		return "", err
	}
	var session string
	err = s.DB.Tx(ctx, func(tx *store.Tx) error {
		now := s.Clock.Now()
		var userID int64
		// The used_at condition in the UPDATE makes the token single-use even
		// when two requests race.
		err := tx.QueryRow(ctx, `UPDATE password_resets SET used_at = ?
			WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id`,
			now, HashToken(token), now).Scan(&userID)
		if err != nil {
			return store.NotFound(err, "reset.error.invalid_link")
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, newHash, userID); err != nil {
			return err
		}
		if ssoOnly, err := SSOOnly(ctx, tx, userID); err != nil || ssoOnly {
			if err == nil {
				err = errs.E(errs.NotFound, "reset.error.invalid_link")
			}
			return err
		}
		if err := endWaysIn(ctx, tx, now, userID, ""); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE key = (SELECT 'email:' || email FROM users WHERE id = ?)`, userID); err != nil {
			return err
		}
		// An emailed link must not stand in for the second factor: with
		// two-factor login on, the person logs in again with their code.
		if on, err := TOTPEnabled(ctx, tx, userID); err != nil || on {
			return err
		}
		session, err = s.createSession(ctx, tx, now, userID, SignIn{Method: MethodResetLink})
		return err
	})
	return session, err
}

// LanguageOr returns the person's chosen language, or fallback when they
// have not chosen one.
func (u *User) LanguageOr(fallback string) string {
	if u.Language != "" {
		return u.Language
	}
	if i18n.Supported(fallback) {
		return fallback
	}
	return i18n.Languages[0]
}
