package account

import (
	"context"
	"slices"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/store"
)

// Throttling counts attempts per key (an account, an address) in
// login_failures, in the database so that it survives restarts and holds
// across instances. An attempt is written down before the password is
// checked, in the same transaction that counts the earlier ones: checking
// first and writing afterwards let 150 parallel guesses all pass the check
// before any of them was counted. A right answer takes its row back
// (release); a wrong one leaves it as the failure it is.

// Limits on attempts within ThrottleWindow for a password reset email.
const (
	MaxResetsPerKey = 3  // per address typed into /forgot
	MaxResetsPerIP  = 10 // per client address
)

// limit caps the attempts under one key within ThrottleWindow.
type limit struct {
	key string
	max int
}

// loginLimits are the keys a password or code guess counts under. Without
// an address (a use case called outside a request) only the account counts.
func loginLimits(email, ip string) []limit {
	l := []limit{{"email:" + email, MaxFailsPerKey}}
	if ip != "" {
		l = append(l, limit{"ip:" + ip, MaxFailsPerIP})
	}
	return l
}

// attempt is a reserved row per key.
type attempt struct {
	db  *store.DB
	ids []int64
}

// throttleLockClass keeps the advisory locks of throttling apart from the
// migration lock.
const throttleLockClass = 727275

// reserve counts an attempt under every limit, or refuses it with a TooMany
// login.error.throttled when any key has reached its limit; then nothing is
// written. Counting and writing happen under a lock per key (PostgreSQL)
// or the single writer (SQLite), so parallel attempts queue for the count
// and at most max of them get through.
func reserve(ctx context.Context, db *store.DB, now time.Time, limits ...limit) (*attempt, error) {
	a := &attempt{db: db}
	err := db.Tx(ctx, func(tx *store.Tx) error {
		a.ids = a.ids[:0]
		if err := lockKeys(ctx, tx, limits); err != nil {
			return err
		}
		since := now.Add(-ThrottleWindow)
		for _, l := range limits {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM login_failures WHERE key = ? AND failed_at >= ?`,
				l.key, since).Scan(&n); err != nil {
				return err
			}
			if n >= l.max {
				return &errs.Error{Kind: errs.TooMany, Key: "login.error.throttled",
					Args: []any{"minutes", int(ThrottleWindow / time.Minute)}, RetryAfter: ThrottleWindow}
			}
		}
		for _, l := range limits {
			var id int64
			if err := tx.QueryRow(ctx, `INSERT INTO login_failures (key, failed_at) VALUES (?, ?) RETURNING id`,
				l.key, now).Scan(&id); err != nil {
				return err
			}
			a.ids = append(a.ids, id)
		}
		// Rows outside the window count for nothing; pruning here keeps the
		// table small without a separate job.
		_, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE failed_at < ?`, since)
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// lockKeys takes a transaction-scoped advisory lock per key on PostgreSQL,
// in a fixed order so that two attempts sharing keys cannot deadlock.
// SQLite needs none: its write transaction already holds the only writer.
func lockKeys(ctx context.Context, tx *store.Tx, limits []limit) error {
	if tx.Dialect() != store.Postgres {
		return nil
	}
	var hashes []int32
	for _, l := range limits {
		var h int32
		if err := tx.QueryRow(ctx, `SELECT hashtext(?)`, l.key).Scan(&h); err != nil {
			return err
		}
		hashes = append(hashes, h)
	}
	slices.Sort(hashes)
	for _, h := range slices.Compact(hashes) {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(?, ?)`, throttleLockClass, h); err != nil {
			return err
		}
	}
	return nil
}

// release takes the reservation back: the attempt was right, or was never
// checked (no slot to hash in), and counts as no failure.
func (a *attempt) release(ctx context.Context, q store.Q) error {
	for _, id := range a.ids {
		if _, err := q.Exec(ctx, `DELETE FROM login_failures WHERE id = ?`, id); err != nil {
			return err
		}
	}
	return nil
}

// settle keeps the reservation when the attempt was a wrong guess and
// releases it otherwise, returning err or, failing that, the release's.
func (a *attempt) settle(ctx context.Context, wrong bool, err error) error {
	if wrong {
		return err
	}
	if rerr := a.release(ctx, a.db); err == nil {
		err = rerr
	}
	return err
}

// ForgetAddress deletes the attempts counted under an email address (wrong
// passwords, reset and sign-in link requests), for an account erased with its address.
func ForgetAddress(ctx context.Context, q store.Q, email string) error {
	_, err := q.Exec(ctx, `DELETE FROM login_failures WHERE key IN (?, ?, ?)`, "email:"+email, "reset:email:"+email, linkKeyPrefix+email)
	return err
}

// reserveMailed takes one of the tries that an address typed (byEmail) and
// the client (byIP, when ip is known) have for something sent by email: a
// password reset or a sign-in link. Over the limit, the error is
// throttledKey on the email field.
func reserveMailed(ctx context.Context, db *store.DB, now time.Time, byEmail, byIP limit, ip, throttledKey string) error {
	limits := []limit{byEmail}
	if ip != "" {
		limits = append(limits, byIP)
	}
	_, err := reserve(ctx, db, now, limits...)
	if e, ok := errs.As(err); ok && e.Kind == errs.TooMany {
		msg := errs.Msg{Key: throttledKey, Args: e.Args}
		return &errs.Error{Kind: errs.TooMany, Key: msg.Key, Args: msg.Args, RetryAfter: e.RetryAfter,
			Fields: map[string]errs.Msg{"email": msg}}
	}
	return err
}
