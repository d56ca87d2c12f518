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
// Failures are counted per account and per IP address in the database, so
// throttling survives restarts and holds across instances. The error never
// says whether the email exists.
func (s *Service) BeginLogin(ctx context.Context, email, password, ip string) (*User, string, string, error) {
	email = NormalizeEmail(email)
	now := s.Clock.Now()
	if err := throttled(ctx, s.DB, now, email, ip); err != nil {
		return nil, "", "", err
	}
	var hash string
	var id int64
	err := s.DB.QueryRow(ctx, `SELECT id, password_hash FROM users WHERE email = ?`, email).Scan(&id, &hash)
	ok := false
	if err == nil {
		ok = CheckPassword(hash, password)
	} else {
		CheckPassword(dummyHash, password)
	}
	if !ok {
		if err := recordFailure(ctx, s.DB, now, email, ip); err != nil {
			return nil, "", "", err
		}
		return nil, "", "", errs.E(errs.Unauthorized, "login.error.failed")
	}
	var token, challenge string
	err = s.DB.Tx(ctx, func(tx *store.Tx) error {
		on, err := TOTPEnabled(ctx, tx, id)
		if err != nil {
			return err
		}
		if on {
			// The failure count is kept until the code is right too, or a
			// known password would reset the throttle on guessing codes.
			challenge, err = createChallenge(ctx, tx, now, id)
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE key = ?`, "email:"+email); err != nil {
			return err
		}
		token, err = createSession(ctx, tx, now, id)
		return err
	})
	if err != nil {
		return nil, "", "", err
	}
	u, err := s.ByID(ctx, id)
	return u, token, challenge, err
}

func recordFailure(ctx context.Context, db *store.DB, now time.Time, email, ip string) error {
	return db.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO login_failures (key, failed_at) VALUES (?, ?)`, "email:"+email, now); err != nil {
			return err
		}
		// Without an address (a use case called outside a request) only
		// the account counts.
		if ip != "" {
			if _, err := tx.Exec(ctx, `INSERT INTO login_failures (key, failed_at) VALUES (?, ?)`, "ip:"+ip, now); err != nil {
				return err
			}
		}
		// Old rows are useless once outside the window; pruning here keeps
		// the table small without a separate job.
		_, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE failed_at < ?`, now.Add(-ThrottleWindow))
		return err
	})
}

func throttled(ctx context.Context, q store.Q, now time.Time, email, ip string) error {
	var perEmail, perIP int
	since := now.Add(-ThrottleWindow)
	err := q.QueryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM login_failures WHERE key = ? AND failed_at >= ?),
		(SELECT COUNT(*) FROM login_failures WHERE key = ? AND failed_at >= ?)`,
		"email:"+email, since, "ip:"+ip, since).Scan(&perEmail, &perIP)
	if err != nil {
		return err
	}
	if perEmail >= MaxFailsPerKey || perIP >= MaxFailsPerIP {
		return errs.E(errs.TooMany, "login.error.throttled", "minutes", int(ThrottleWindow/time.Minute))
	}
	return nil
}

// StartSession opens a session for a user who just proved who they are some
// other way (setup, invitation, password reset).
func (s *Service) StartSession(ctx context.Context, userID int64) (string, error) {
	var token string
	err := s.DB.Tx(ctx, func(tx *store.Tx) (err error) {
		token, err = createSession(ctx, tx, s.Clock.Now(), userID)
		return err
	})
	return token, err
}

// CreateSession opens a session inside the caller's transaction, for use
// cases that create or identify the person in the same step (accepting an
// invitation).
func CreateSession(ctx context.Context, tx store.Q, now time.Time, userID int64) (string, error) {
	return createSession(ctx, tx, now, userID)
}

func createSession(ctx context.Context, tx store.Q, now time.Time, userID int64) (string, error) {
	token, hash := NewToken()
	_, err := tx.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?)`,
		hash, userID, now, now.Add(SessionTTL), now)
	return token, err
}

// sessionTouchEvery limits how often a session's last-seen time is written:
// every request would turn reads into writes.
const sessionTouchEvery = time.Hour

// UserBySession returns the person behind a session cookie, or an
// Unauthorized error when it is unknown or expired. Active sessions slide
// forward so that people who use the app are not logged out.
func (s *Service) UserBySession(ctx context.Context, token string) (*User, error) {
	if token == "" {
		return nil, errs.E(errs.Unauthorized, "error.login_required")
	}
	now := s.Clock.Now()
	hash := HashToken(token)
	var lastSeen, expires time.Time
	row := s.DB.QueryRow(ctx, `SELECT u.id, u.email, u.name, u.role, u.language, u.timezone, u.created_at, s.last_seen_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, hash)
	var u User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Language, &u.Timezone, &u.CreatedAt, &lastSeen, &expires)
	if err != nil {
		if store.NotFound(err, "") != err {
			return nil, errs.E(errs.Unauthorized, "error.login_required")
		}
		return nil, err
	}
	if !now.Before(expires) {
		return nil, errs.E(errs.Unauthorized, "error.login_required")
	}
	if now.Sub(lastSeen) > sessionTouchEvery {
		if _, err := s.DB.Exec(ctx, `UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?`,
			now, now.Add(SessionTTL), hash); err != nil {
			return nil, err
		}
	}
	return &u, nil
}

// Logout ends one session.
func (s *Service) Logout(ctx context.Context, token string) error {
	_, err := s.DB.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, HashToken(token))
	return err
}
