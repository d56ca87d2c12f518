package account

import (
	"context"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/store"
)

// A signed-in person is asked for their password again before actions that
// cannot be taken back: signing an agreement, changing the password,
// turning two-factor login off, deleting the account. Whoever holds a
// stolen session could otherwise use those forms to guess the password
// without limit, so wrong answers there count against the same throttle as
// failed logins (the same account and address keys in login_failures): the
// guesses add up wherever they are made, and a refused account is refused
// everywhere until the window passes.

type clientIPKey struct{}

// WithClientIP returns ctx carrying the address a request came from. The
// use cases that confirm a password sit far below the handler (signing goes
// through the agreement service), so the address travels with the request
// rather than through every signature on the way.
func WithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, clientIPKey{}, ip)
}

// ClientIP is the address WithClientIP stored, or "" outside a request.
func ClientIP(ctx context.Context) string {
	ip, _ := ctx.Value(clientIPKey{}).(string)
	return ip
}

// ConfirmThrottled refuses a password confirmation while the person's
// account or address has too many recent failures. It is checked before
// the password, so that once refused even the right password is turned
// away until the window passes: the answer must not tell a guesser that a
// guess was right. field names the form's password input, so that the
// message appears next to it.
func ConfirmThrottled(ctx context.Context, q store.Q, now time.Time, userID int64, field string) error {
	email, err := emailOf(ctx, q, userID)
	if err != nil {
		return err
	}
	err = throttled(ctx, q, now, email, ClientIP(ctx))
	if errs.Is(err, errs.TooMany) {
		return confirmRefused(field)
	}
	return err
}

func confirmRefused(field string) error {
	minutes := int(ThrottleWindow / time.Minute)
	return &errs.Error{Kind: errs.TooMany, Key: "password.error.throttled", Args: []any{"minutes", minutes},
		Fields: map[string]errs.Msg{field: {Key: "password.error.throttled", Args: []any{"minutes", minutes}}}}
}

// ConfirmFailed counts a wrong password (or code) given to confirm an
// action. It writes in its own transaction: the caller's transaction rolls
// back on the failure it is about to report, and the count must survive
// that.
func ConfirmFailed(ctx context.Context, db *store.DB, now time.Time, userID int64) error {
	email, err := emailOf(ctx, db, userID)
	if err != nil {
		return err
	}
	return recordFailure(ctx, db, now, email, ClientIP(ctx))
}

// ConfirmPassword checks a signed-in person's password under the throttle:
// refused while throttled, and a wrong password is counted.
func ConfirmPassword(ctx context.Context, db *store.DB, now time.Time, userID int64, password, field string) error {
	if err := ConfirmThrottled(ctx, db, now, userID, field); err != nil {
		return err
	}
	var hash string
	if err := db.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = ?`, userID).Scan(&hash); err != nil {
		return store.NotFound(err, "error.not_found")
	}
	if !CheckPassword(hash, password) {
		if err := ConfirmFailed(ctx, db, now, userID); err != nil {
			return err
		}
		return WrongPassword(field)
	}
	return nil
}

// WrongPassword is the form error for a wrong password in field.
func WrongPassword(field string) error {
	return &errs.Error{Kind: errs.Invalid, Key: "error.invalid",
		Fields: map[string]errs.Msg{field: {Key: "error.password_wrong"}}}
}

func emailOf(ctx context.Context, q store.Q, userID int64) (string, error) {
	var email string
	if err := q.QueryRow(ctx, `SELECT email FROM users WHERE id = ?`, userID).Scan(&email); err != nil {
		return "", store.NotFound(err, "error.not_found")
	}
	return email, nil
}
