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
// without limit, so answers there count against the same throttle as
// failed logins (the same account and address keys in login_failures),
// reserved before the hash as at login: the guesses add up wherever they
// are made, and a refused account is refused everywhere until the window
// passes.

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

// reserveConfirm counts a confirmation before the password is checked
// (see reserve). While the account or address is throttled it is refused
// before anything is checked, so that even the right password is turned
// away until the window passes: the answer must not tell a guesser that a
// guess was right. field names the form's password input, so that the
// message appears next to it.
func reserveConfirm(ctx context.Context, db *store.DB, now time.Time, userID int64, field string) (*attempt, error) {
	email, err := emailOf(ctx, db, userID)
	if err != nil {
		return nil, err
	}
	a, err := reserve(ctx, db, now, loginLimits(email, ClientIP(ctx))...)
	if errs.Is(err, errs.TooMany) {
		return nil, confirmRefused(field)
	}
	return a, err
}

func confirmRefused(field string) error {
	minutes := int(ThrottleWindow / time.Minute)
	return &errs.Error{Kind: errs.TooMany, Key: "password.error.throttled", Args: []any{"minutes", minutes},
		Fields:     map[string]errs.Msg{field: {Key: "password.error.throttled", Args: []any{"minutes", minutes}}},
		RetryAfter: ThrottleWindow}
}

// ConfirmPassword checks a signed-in person's password under the throttle:
// refused while throttled, a wrong password is counted, and the hash waits
// for a slot in the gate the request carries (WithHashGate).
func ConfirmPassword(ctx context.Context, db *store.DB, now time.Time, userID int64, password, field string) error {
	return confirmPassword(ctx, db, hashGateOf(ctx), now, userID, password, field)
}

func confirmPassword(ctx context.Context, db *store.DB, g *HashGate, now time.Time, userID int64, password, field string) error {
	a, err := reserveConfirm(ctx, db, now, userID, field)
	if err != nil {
		return err
	}
	ok, err := checkUserPassword(ctx, db, g, userID, password, field)
	return a.settle(ctx, err == nil && !ok, confirmResult(ok, err, field))
}

// checkUserPassword hashes password against the person's. A refusal for
// want of a slot is shown next to the form's password input.
func checkUserPassword(ctx context.Context, q store.Q, g *HashGate, userID int64, password, field string) (bool, error) {
	var hash string
	if err := q.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = ?`, userID).Scan(&hash); err != nil {
		return false, store.NotFound(err, "error.not_found")
	}
	ok, err := g.Check(ctx, hash, password)
	if e, isCoded := errs.As(err); isCoded && e.Kind == errs.TooMany {
		busy := *e
		busy.Fields = map[string]errs.Msg{field: {Key: e.Key, Args: e.Args}}
		return false, &busy
	}
	return ok, err
}

func confirmResult(ok bool, err error, field string) error {
	if err != nil {
		return err
	}
	if !ok {
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
