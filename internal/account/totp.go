package account

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/store"
)

// TOTP parameters as RFC 6238 and every authenticator app default to.
const (
	totpPeriod   = 30
	totpDigits   = 6
	totpSkew     = 1 // steps either side, for clocks a little apart
	ChallengeTTL = 5 * time.Minute
	// RecoveryCodes is how many single-use codes an enrolment hands out.
	RecoveryCodes = 10
	totpIssuer    = "Mentorskap"
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// TOTPCode computes the code of one time step (RFC 6238 over RFC 4226,
// HMAC-SHA1, dynamic truncation).
func TOTPCode(key []byte, step int64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(step))
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, v%mod)
}

// totpStep is the time step a moment falls in.
func totpStep(t time.Time) int64 { return t.Unix() / totpPeriod }

// checkTOTP returns the step a code matches, looking one step either side
// and only at steps after lastStep, so that a used code is never accepted
// twice.
func checkTOTP(key []byte, code string, now time.Time, lastStep int64) (int64, bool) {
	if len(code) != totpDigits {
		return 0, false
	}
	cur := totpStep(now)
	for step := cur - totpSkew; step <= cur+totpSkew; step++ {
		if step <= lastStep {
			continue
		}
		if subtle.ConstantTimeCompare([]byte(TOTPCode(key, step, totpDigits)), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// TOTPURI is the otpauth:// address authenticator apps read, typed in or
// turned into a QR code by the person's own tools.
func TOTPURI(secret, email string) string {
	label := url.PathEscape(totpIssuer + ":" + email)
	q := url.Values{"secret": {secret}, "issuer": {totpIssuer}, "algorithm": {"SHA1"},
		"digits": {fmt.Sprint(totpDigits)}, "period": {fmt.Sprint(totpPeriod)}}
	return "otpauth://totp/" + label + "?" + q.Encode()
}

// normalizeCode removes what people type between digits or groups.
func normalizeCode(code string) string {
	return strings.ToLower(strings.NewReplacer(" ", "", "-", "", "\t", "").Replace(strings.TrimSpace(code)))
}

// TOTPState is where a person stands with two-factor login.
type TOTPState struct {
	Enabled       bool
	PendingSecret string // set while an enrolment waits for its first code
	RecoveryLeft  int
}

// TOTPEnabled reports whether a person must give a code at login.
func TOTPEnabled(ctx context.Context, q store.Q, userID int64) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM totp_secrets WHERE user_id = ? AND confirmed_at IS NOT NULL`, userID).Scan(&n)
	return n > 0, err
}

// TOTPStatus describes a person's two-factor setting.
func (s *Service) TOTPStatus(ctx context.Context, userID int64) (TOTPState, error) {
	var st TOTPState
	var secret string
	var confirmed *time.Time
	err := s.DB.QueryRow(ctx, `SELECT secret, confirmed_at FROM totp_secrets WHERE user_id = ?`, userID).Scan(&secret, &confirmed)
	if err != nil {
		if e := store.NotFound(err, ""); e != err {
			return st, nil
		}
		return st, err
	}
	if confirmed == nil {
		st.PendingSecret = secret
		return st, nil
	}
	st.Enabled = true
	err = s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM totp_recovery_codes WHERE user_id = ? AND used_at IS NULL`, userID).Scan(&st.RecoveryLeft)
	return st, err
}

// BeginTOTP starts an enrolment with a fresh secret, replacing one that was
// never confirmed. Nothing changes at login until ConfirmTOTP.
func (s *Service) BeginTOTP(ctx context.Context, userID int64) (string, error) {
	key := make([]byte, 20)
	rand.Read(key)
	secret := b32.EncodeToString(key)
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		on, err := TOTPEnabled(ctx, tx, userID)
		if err != nil {
			return err
		}
		if on {
			return errs.E(errs.Conflict, "totp.error.already_on")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM totp_secrets WHERE user_id = ?`, userID); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO totp_secrets (user_id, secret, created_at) VALUES (?, ?, ?)`, userID, secret, s.Clock.Now())
		return err
	})
	return secret, err
}

func codeError(field, key string) error {
	return &errs.Error{Kind: errs.Invalid, Key: "error.invalid", Fields: map[string]errs.Msg{field: {Key: key}}}
}

// ConfirmTOTP turns two-factor login on once the person proves their app
// produces the right codes, and returns the recovery codes, shown once.
func (s *Service) ConfirmTOTP(ctx context.Context, userID int64, code string) ([]string, error) {
	var codes []string
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		now := s.Clock.Now()
		var secret string
		var confirmed *time.Time
		err := tx.QueryRow(ctx, `SELECT secret, confirmed_at FROM totp_secrets WHERE user_id = ?`, userID).Scan(&secret, &confirmed)
		if err != nil {
			return store.NotFound(err, "totp.error.not_started")
		}
		if confirmed != nil {
			return errs.E(errs.Conflict, "totp.error.already_on")
		}
		key, err := b32.DecodeString(secret)
		if err != nil {
			return err
		}
		step, ok := checkTOTP(key, normalizeCode(code), now, 0)
		if !ok {
			return codeError("code", "totp.error.code_wrong")
		}
		if _, err := tx.Exec(ctx, `UPDATE totp_secrets SET confirmed_at = ?, last_step = ? WHERE user_id = ?`, now, step, userID); err != nil {
			return err
		}
		codes, err = newRecoveryCodes(ctx, tx, userID)
		return err
	})
	return codes, err
}

func newRecoveryCodes(ctx context.Context, tx store.Q, userID int64) ([]string, error) {
	if _, err := tx.Exec(ctx, `DELETE FROM totp_recovery_codes WHERE user_id = ?`, userID); err != nil {
		return nil, err
	}
	codes := make([]string, RecoveryCodes)
	for i := range codes {
		b := make([]byte, 10)
		rand.Read(b)
		c := strings.ToLower(b32.EncodeToString(b))[:12]
		codes[i] = c[:4] + "-" + c[4:8] + "-" + c[8:]
		if _, err := tx.Exec(ctx, `INSERT INTO totp_recovery_codes (user_id, code_hash) VALUES (?, ?)`,
			userID, HashToken(normalizeCode(codes[i]))); err != nil {
			return nil, err
		}
	}
	return codes, nil
}

// useSecondFactor checks a six-digit code from the app or an unused
// recovery code, and uses it up.
func useSecondFactor(ctx context.Context, tx store.Q, now time.Time, userID int64, code string) (bool, error) {
	code = normalizeCode(code)
	if code == "" {
		return false, nil
	}
	if len(code) == totpDigits {
		var secret string
		var last int64
		err := tx.QueryRow(ctx, `SELECT secret, last_step FROM totp_secrets WHERE user_id = ? AND confirmed_at IS NOT NULL`, userID).Scan(&secret, &last)
		if err != nil {
			return false, store.NotFound(err, "totp.error.not_on")
		}
		key, err := b32.DecodeString(secret)
		if err != nil {
			return false, err
		}
		step, ok := checkTOTP(key, code, now, last)
		if !ok {
			return false, nil
		}
		// The condition makes two racing logins with the same code see one
		// winner.
		res, err := tx.Exec(ctx, `UPDATE totp_secrets SET last_step = ? WHERE user_id = ? AND last_step < ?`, step, userID, step)
		if err != nil {
			return false, err
		}
		n, _ := res.RowsAffected()
		return n == 1, nil
	}
	res, err := tx.Exec(ctx, `UPDATE totp_recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`,
		now, userID, HashToken(code))
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// DisableTOTP turns two-factor login off; it asks for both the password and
// a code so that neither a borrowed session nor a stolen phone alone can.
// The attempt counts against the login throttle before anything is
// checked, as at login, and stays counted when the password or the code is
// wrong.
func (s *Service) DisableTOTP(ctx context.Context, userID int64, password, code string) error {
	now := s.Clock.Now()
	a, err := reserveConfirm(ctx, s.DB, now, userID, "password")
	if err != nil {
		return err
	}
	on, err := TOTPEnabled(ctx, s.DB, userID)
	if err == nil && !on {
		err = errs.E(errs.Conflict, "totp.error.not_on")
	}
	if err != nil {
		return a.settle(ctx, false, err)
	}
	pwOK, err := checkUserPassword(ctx, s.DB, s.gate(ctx), userID, password, "password")
	if err != nil {
		return a.settle(ctx, false, err)
	}
	wrong := false
	err = s.DB.Tx(ctx, func(tx *store.Tx) error {
		v := map[string]errs.Msg{}
		if !pwOK {
			v["password"] = errs.Msg{Key: "error.password_wrong"}
		}
		ok, err := useSecondFactor(ctx, tx, now, userID, code)
		if err != nil {
			return err
		}
		if !ok {
			v["code"] = errs.Msg{Key: "totp.error.code_wrong"}
		}
		if len(v) > 0 {
			wrong = true
			return &errs.Error{Kind: errs.Invalid, Key: "error.invalid", Fields: v}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM totp_recovery_codes WHERE user_id = ?`, userID); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM totp_secrets WHERE user_id = ?`, userID)
		return err
	})
	return a.settle(ctx, wrong, err)
}

// createChallenge opens a login that waits for the second factor; how is
// the way the first factor was given, which the sign-in log names once the
// code is right (the method it will then be, with the provider).
func createChallenge(ctx context.Context, tx store.Q, now time.Time, userID int64, how SignIn) (string, error) {
	token, hash := NewToken()
	if _, err := tx.Exec(ctx, `DELETE FROM login_challenges WHERE expires_at < ?`, now); err != nil {
		return "", err
	}
	_, err := tx.Exec(ctx, `INSERT INTO login_challenges (token_hash, user_id, created_at, expires_at, method, provider) VALUES (?, ?, ?, ?, ?, ?)`,
		hash, userID, now, now.Add(ChallengeTTL), how.Method, how.Provider)
	return token, err
}

// CheckChallenge reports whether a pending login can still take a code.
func (s *Service) CheckChallenge(ctx context.Context, challenge string) error {
	var n int
	err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM login_challenges WHERE token_hash = ? AND expires_at > ?`,
		HashToken(challenge), s.Clock.Now()).Scan(&n)
	if err == nil && n == 0 {
		err = errs.E(errs.Unauthorized, "totp.error.expired")
	}
	return err
}

// LoginCode finishes a login that passed the password: a right code opens
// a session; codes count against the same throttle as passwords, reserved
// before the code is checked so that parallel guesses cannot slip past it.
func (s *Service) LoginCode(ctx context.Context, challenge, code, ip string) (*User, string, error) {
	now := s.Clock.Now()
	hash := HashToken(challenge)
	var userID int64
	var email string
	how := SignIn{IP: ip}
	err := s.DB.QueryRow(ctx, `SELECT u.id, u.email, c.method, c.provider FROM login_challenges c JOIN users u ON u.id = c.user_id
		WHERE c.token_hash = ? AND c.expires_at > ?`, hash, now).Scan(&userID, &email, &how.Method, &how.Provider)
	if err != nil {
		if store.NotFound(err, "") != err {
			return nil, "", errs.E(errs.Unauthorized, "totp.error.expired")
		}
		return nil, "", err
	}
	a, err := reserve(ctx, s.DB, now, loginLimits(email, ip)...)
	if err != nil {
		return nil, "", err
	}
	var session string
	ok := false
	err = s.DB.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if ok, err = useSecondFactor(ctx, tx, now, userID, code); err != nil || !ok {
			return err
		}
		// The challenge may have ended meanwhile (a password reset): only
		// the request that deletes it goes on.
		res, err := tx.Exec(ctx, `DELETE FROM login_challenges WHERE token_hash = ?`, hash)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			ok = false
			return errs.E(errs.Unauthorized, "totp.error.expired")
		}
		if err := a.release(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE key = ?`, "email:"+email); err != nil {
			return err
		}
		session, err = s.createSession(ctx, tx, now, userID, how)
		return err
	})
	if err != nil {
		return nil, "", a.settle(ctx, false, err)
	}
	if !ok {
		return nil, "", errs.E(errs.Unauthorized, "totp.error.code_wrong")
	}
	u, err := s.ByID(ctx, userID)
	return u, session, err
}
