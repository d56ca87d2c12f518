package account

import (
	"context"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/store"
)

// Login checks email and password and opens a session. A person with
// two-factor login gets an Unauthorized totp.error.code_required instead:
// callers that can ask for the code use BeginLogin.
func (s *Service) Login(ctx context.Context, email, password, ip string) (*User, string, error) {
	u, session, challenge, err := s.BeginLogin(ctx, email, password, ip)
	if err == nil && challenge != "" {
		return nil, "", errs.E(errs.Unauthorized, "totp.error.code_required")
	}
	return u, session, err
}

// BeginLogin checks email and password and opens a session, or, when the
// person has two-factor login, a short-lived challenge for LoginCode.
// Attempts are counted per account and per IP address before the password
// is hashed (see reserve), and hashing waits for a slot in the gate. The
// error never says whether the email exists.
func (s *Service) BeginLogin(ctx context.Context, email, password, ip string) (*User, string, string, error) {
	email = NormalizeEmail(email)
	now := s.Clock.Now()
	a, err := reserve(ctx, s.DB, now, loginLimits(email, ip)...)
	if err != nil {
		return nil, "", "", err
	}
	var hash string
	var id int64
	var ssoOnly bool
	err = s.DB.QueryRow(ctx, `SELECT id, password_hash, sso_only FROM users WHERE email = ?`, email).Scan(&id, &hash, &ssoOnly)
	known := err == nil && hash != noPassword
	if err != nil {
		if store.NotFound(err, "") == err {
			return nil, "", "", a.settle(ctx, false, err)
		}
		// A missing account costs the same hash as a wrong password.
		hash = dummyHash
	}
	if !known {
		// So does an account without a password (made by a provider).
		hash = dummyHash
	}
	ok, err := s.gate(ctx).Check(ctx, hash, password)
	if err != nil {
		return nil, "", "", a.settle(ctx, false, err)
	}
	if !ok || !known {
		return nil, "", "", errs.E(errs.Unauthorized, "login.error.failed")
	}
	if ssoOnly {
		// Said only to whoever knows the password. The attempt stays
		// counted: a password that cannot be used is no reason to reset
		// the throttle.
		return nil, "", "", errs.E(errs.Unauthorized, "sso.error.sso_only")
	}
	var token, challenge string
	err = s.DB.Tx(ctx, func(tx *store.Tx) error {
		if err := a.release(ctx, tx); err != nil {
			return err
		}
		on, err := TOTPEnabled(ctx, tx, id)
		if err != nil {
			return err
		}
		if on {
			// The failure count is kept until the code is right too, or a
			// known password would reset the throttle on guessing codes.
			challenge, err = createChallenge(ctx, tx, now, id, SignIn{Method: MethodPasswordCode})
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE key = ?`, "email:"+email); err != nil {
			return err
		}
		token, err = s.createSession(ctx, tx, now, id, SignIn{Method: MethodPassword, IP: ip})
		return err
	})
	if err != nil {
		return nil, "", "", a.settle(ctx, false, err)
	}
	u, err := s.ByID(ctx, id)
	return u, token, challenge, err
}

// StartSession opens a session for a user who just proved who they are some
// other way (setup, invitation, password reset); how says which, for the
// sign-in log.
func (s *Service) StartSession(ctx context.Context, userID int64, how SignIn) (string, error) {
	var token string
	err := s.DB.Tx(ctx, func(tx *store.Tx) (err error) {
		token, err = s.createSession(ctx, tx, s.Clock.Now(), userID, how)
		return err
	})
	return token, err
}

// CreateSession opens a session inside the caller's transaction, for use
// cases that create or identify the person in the same step (accepting an
// invitation). Its stored expiry follows the default lifetimes; lookups
// judge every session by the configured ones.
func CreateSession(ctx context.Context, tx store.Q, now time.Time, userID int64, how SignIn) (string, error) {
	return insertSession(ctx, tx, now, userID, DefaultSessionIdle, DefaultSessionLifetime, how)
}

func (s *Service) createSession(ctx context.Context, tx store.Q, now time.Time, userID int64, how SignIn) (string, error) {
	idle, life := s.SessionLimits()
	return insertSession(ctx, tx, now, userID, idle, life, how)
}

func insertSession(ctx context.Context, tx store.Q, now time.Time, userID int64, idle, life time.Duration, how SignIn) (string, error) {
	if err := recordSignIn(ctx, tx, now, userID, how); err != nil {
		return "", err
	}
	token, hash := NewToken()
	_, err := tx.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?)`,
		hash, userID, now, sessionEnd(now, now, idle, life), now)
	return token, err
}

// Sessions end after DefaultSessionIdle without a request, and
// DefaultSessionLifetime after login however busy they are, unless the
// operator chooses other limits. The pages hold confidential notes: a
// browser left logged in on a shared computer should not stay so for a
// month, and a stolen cookie should not work for ever.
const (
	DefaultSessionIdle     = 12 * time.Hour
	DefaultSessionLifetime = 30 * 24 * time.Hour
)

// SessionLimits returns the idle timeout and the absolute lifetime of
// sessions.
func (s *Service) SessionLimits() (idle, lifetime time.Duration) {
	idle, lifetime = s.SessionIdle, s.SessionLifetime
	if idle <= 0 {
		idle = DefaultSessionIdle
	}
	if lifetime <= 0 {
		lifetime = DefaultSessionLifetime
	}
	return idle, lifetime
}

// sessionEnd is when a session seen last at lastSeen ends, kept in
// expires_at for the person's data export.
func sessionEnd(created, lastSeen time.Time, idle, life time.Duration) time.Time {
	end := lastSeen.Add(idle)
	if abs := created.Add(life); abs.Before(end) {
		end = abs
	}
	return end
}

// sessionTouchEvery limits how often a session's last-seen time is written:
// every request would turn reads into writes. With a short idle timeout it
// is written more often, so that the timeout is kept to within a
// twenty-fourth.
const sessionTouchEvery = time.Hour

// UserBySession returns the person behind a session cookie, or an
// Unauthorized error when it is unknown, idle for too long or past its
// lifetime. The limits are judged from the creation and last-seen times
// with the limits configured now, so a change of configuration holds for
// sessions already open.
func (s *Service) UserBySession(ctx context.Context, token string) (*User, error) {
	var r store.Reads
	check := s.ReadSession(&r, token)
	if err := r.Run(ctx, s.DB); err != nil {
		return nil, err
	}
	return check(ctx)
}

// ReadSession is UserBySession in two steps: it queues the session's read,
// so that a page can send it with reads of its own (store.Reads), and
// returns the check to call once the reads have run.
func (s *Service) ReadSession(r *store.Reads, token string) (check func(context.Context) (*User, error)) {
	if token == "" {
		return func(context.Context) (*User, error) { return nil, errs.E(errs.Unauthorized, "error.login_required") }
	}
	hash := HashToken(token)
	var u User
	var created, lastSeen time.Time
	found := false
	r.Add(func(rows store.Rows) error {
		if rows.Next() {
			found = true
			return rows.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Language, &u.Timezone, &u.CreatedAt, &created, &lastSeen)
		}
		return nil
	}, `SELECT u.id, u.email, u.name, u.role, u.language, u.timezone, u.created_at, s.created_at, s.last_seen_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, hash)
	return func(ctx context.Context) (*User, error) {
		if !found {
			return nil, errs.E(errs.Unauthorized, "error.login_required")
		}
		now := s.Clock.Now()
		idle, life := s.SessionLimits()
		if !now.Before(sessionEnd(created, lastSeen, idle, life)) {
			if _, err := s.DB.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hash); err != nil {
				return nil, err
			}
			return nil, errs.E(errs.Unauthorized, "error.login_required")
		}
		if now.Sub(lastSeen) > min(sessionTouchEvery, idle/24) {
			if _, err := s.DB.Exec(ctx, `UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?`,
				now, sessionEnd(created, now, idle, life), hash); err != nil {
				return nil, err
			}
		}
		return &u, nil
	}
}

// Logout ends one session.
func (s *Service) Logout(ctx context.Context, token string) error {
	_, err := s.DB.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, HashToken(token))
	return err
}
