// Package account holds people, their roles, login, sessions, password
// resets, API tokens and login throttling.
package account

import (
	"context"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-webauthn/webauthn/webauthn"

	"mentorskap/internal/clock"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/notify"
	"mentorskap/internal/store"
)

// Installation-wide roles. Mentor and mentee are roles within a program and
// live with the program's participants.
const (
	RoleAdmin       = "admin"
	RoleCoordinator = "coordinator"
	RoleMember      = "member"
)

// Limits on what people type.
const (
	MaxEmail       = 254
	MaxName        = 200
	MinPassword    = 10
	MaxPassword    = 1000
	ResetTTL       = time.Hour
	ThrottleWindow = 15 * time.Minute
	MaxFailsPerKey = 5  // per account within the window
	MaxFailsPerIP  = 30 // per address within the window
)

// User is a person with an account.
type User struct {
	ID        int64
	Email     string
	Name      string
	Role      string
	Language  string // "" means: follow the browser
	Timezone  string
	CreatedAt time.Time
}

// IsAdmin reports whether u runs the installation.
func (u *User) IsAdmin() bool { return u != nil && u.Role == RoleAdmin }

// CanCreatePrograms reports whether u may start new programs.
func (u *User) CanCreatePrograms() bool {
	return u != nil && (u.Role == RoleAdmin || u.Role == RoleCoordinator)
}

// Service is the account use cases.
type Service struct {
	DB     *store.DB
	Clock  clock.Clock
	Outbox *notify.Outbox
	// Hashing bounds how many password hashes run at once; nil bounds
	// nothing (commands, most tests).
	Hashing *HashGate
	// SessionIdle and SessionLifetime end sessions unused for that long and
	// that long after login; zero means DefaultSessionIdle and
	// DefaultSessionLifetime.
	SessionIdle, SessionLifetime time.Duration
	// SSO is single sign-on with OpenID Connect; nil offers none.
	SSO *OIDC
	// WebAuthn is the relying party for passkeys (NewWebAuthn); nil offers
	// none.
	WebAuthn *webauthn.WebAuthn
}

// gate is the service's hashing bound, or the one the request carries.
func (s *Service) gate(ctx context.Context) *HashGate {
	if s.Hashing != nil {
		return s.Hashing
	}
	return hashGateOf(ctx)
}

const userCols = `id, email, name, role, language, timezone, created_at`

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	var u User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Language, &u.Timezone, &u.CreatedAt)
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// NormalizeEmail trims and lower-cases an address so that lookups and the
// unique index agree.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidEmail reports whether s is a plain address (no display name).
func ValidEmail(s string) bool {
	if s == "" || len(s) > MaxEmail {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndexByte(s, '@'):], ".")
}

// NewUser is the input for creating an account.
type NewUser struct {
	Email    string
	Name     string
	Password string
	Role     string
	Language string
	Timezone string
}

func (n *NewUser) validate() error {
	var v errs.Validation
	n.Email = NormalizeEmail(n.Email)
	n.Name = strings.TrimSpace(n.Name)
	v.Check(ValidEmail(n.Email), "email", "error.email_invalid")
	v.Check(n.Name != "", "name", "error.required")
	v.Check(utf8.RuneCountInString(n.Name) <= MaxName, "name", "error.too_long", "max", MaxName)
	checkPassword(&v, "password", n.Password)
	switch n.Role {
	case "":
		n.Role = RoleMember
	case RoleAdmin, RoleCoordinator, RoleMember:
	default:
		v.Add("role", "error.choice_invalid")
	}
	v.Check(n.Language == "" || i18n.Supported(n.Language), "language", "error.choice_invalid")
	if n.Timezone == "" {
		n.Timezone = "UTC"
	}
	v.Check(ValidTimezone(n.Timezone), "timezone", "error.timezone_invalid")
	return v.Err()
}

func checkPassword(v *errs.Validation, field, pw string) {
	v.Check(utf8.RuneCountInString(pw) >= MinPassword, field, "error.password_short", "min", MinPassword)
	v.Check(len(pw) <= MaxPassword, field, "error.too_long", "max", MaxPassword)
}

// ValidTimezone reports whether tz is one of the IANA zones the forms
// offer (i18n.Zones): a zone is chosen from that list, never typed free.
func ValidTimezone(tz string) bool { return i18n.KnownZone(tz) }

// CreateUser adds an account inside tx. A taken email is a conflict. The
// password is hashed within the gate the request carries (WithHashGate):
// sign-ups through a program's join link hash as logins do.
func CreateUser(ctx context.Context, tx store.Q, now time.Time, n NewUser) (*User, error) {
	if err := n.validate(); err != nil {
		return nil, err
	}
	hash, err := hashGateOf(ctx).Hash(ctx, n.Password)
	if err != nil {
		return nil, err
	}
	row := tx.QueryRow(ctx, `INSERT INTO users (email, name, password_hash, role, language, timezone, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING `+userCols,
		n.Email, n.Name, hash, n.Role, n.Language, n.Timezone, now)
	u, err := scanUser(row)
	if store.IsUnique(err) {
		return nil, &errs.Error{Kind: errs.Conflict, Key: "error.email_taken",
			Fields: map[string]errs.Msg{"email": {Key: "error.email_taken"}}}
	}
	return u, err
}

// Create adds an account in its own transaction.
func (s *Service) Create(ctx context.Context, n NewUser) (*User, error) {
	var u *User
	err := s.DB.Tx(ctx, func(tx *store.Tx) (err error) {
		u, err = CreateUser(ctx, tx, s.Clock.Now(), n)
		return err
	})
	return u, err
}

// NeedsSetup reports whether the installation has no account yet.
func (s *Service) NeedsSetup(ctx context.Context) (bool, error) {
	var n int
	err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n == 0, err
}

// SetupAdmin creates the first administrator. It succeeds only while there
// is no account at all, checked inside the same transaction, so two racing
// visitors cannot both become administrator.
func (s *Service) SetupAdmin(ctx context.Context, n NewUser) (*User, error) {
	n.Role = RoleAdmin
	var u *User
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		var count int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&count); err != nil {
			return err
		}
		if count > 0 {
			return errs.E(errs.NotFound, "error.not_found")
		}
		var err error
		u, err = CreateUser(ctx, tx, s.Clock.Now(), n)
		return err
	})
	return u, err
}

// ByID loads a user.
func (s *Service) ByID(ctx context.Context, id int64) (*User, error) {
	return ByID(ctx, s.DB, id)
}

// ByID loads a user with q.
func ByID(ctx context.Context, q store.Q, id int64) (*User, error) {
	u, err := scanUser(q.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	return u, store.NotFound(err, "error.not_found")
}

// ByEmail loads a user by address.
func ByEmail(ctx context.Context, q store.Q, email string) (*User, error) {
	u, err := scanUser(q.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE email = ?`, NormalizeEmail(email)))
	return u, store.NotFound(err, "error.not_found")
}

// Profile is what a person edits about themselves.
type Profile struct {
	Name     string
	Language string
	Timezone string
}

// UpdateProfile saves name, language and time zone.
func (s *Service) UpdateProfile(ctx context.Context, userID int64, p Profile) error {
	var v errs.Validation
	p.Name = strings.TrimSpace(p.Name)
	v.Check(p.Name != "", "name", "error.required")
	v.Check(utf8.RuneCountInString(p.Name) <= MaxName, "name", "error.too_long", "max", MaxName)
	v.Check(p.Language == "" || i18n.Supported(p.Language), "language", "error.choice_invalid")
	v.Check(ValidTimezone(p.Timezone), "timezone", "error.timezone_invalid")
	if err := v.Err(); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE users SET name = ?, language = ?, timezone = ? WHERE id = ?`,
			p.Name, p.Language, p.Timezone, userID)
		return err
	})
}

// SetLanguage stores the language a person picked in the switcher.
func (s *Service) SetLanguage(ctx context.Context, userID int64, lang string) error {
	if !i18n.Supported(lang) {
		return errs.E(errs.Invalid, "error.choice_invalid")
	}
	_, err := s.DB.Exec(ctx, `UPDATE users SET language = ? WHERE id = ?`, lang, userID)
	return err
}

// ChangePassword replaces the password after checking the current one.
// Every other way into the account ends with the old password: other
// sessions, API tokens, pending two-factor logins and reset links. Wrong
// current passwords count against the login throttle (see
// ConfirmPassword).
func (s *Service) ChangePassword(ctx context.Context, userID int64, keepSession, current, next string) error {
	var v errs.Validation
	checkPassword(&v, "new_password", next)
	if err := v.Err(); err != nil {
		return err
	}
	now := s.Clock.Now()
	if err := confirmPassword(ctx, s.DB, s.gate(ctx), now, userID, current, "current_password"); err != nil {
		return err
	}
	hash, err := s.gate(ctx).Hash(ctx, next)
	if err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID); err != nil {
			return err
		}
		return endWaysIn(ctx, tx, now, userID, HashToken(keepSession))
	})
}

// endWaysIn ends every way into an account but the session keepHash names
// ("" keeps none): sessions, API tokens, pending two-factor logins and
// unused reset and sign-in links. A new password must shut out whoever knew the old
// one, or had found a way round it.
func endWaysIn(ctx context.Context, tx store.Q, now time.Time, userID int64, keepHash string) error {
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`, []any{userID, keepHash}},
		{`UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, []any{now, userID}},
		{`DELETE FROM login_challenges WHERE user_id = ?`, []any{userID}},
		{`UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, []any{now, userID}},
		{`UPDATE sign_in_links SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, []any{now, userID}},
	} {
		if _, err := tx.Exec(ctx, q.sql, q.args...); err != nil {
			return err
		}
	}
	return nil
}

// VerifyPassword checks a person's password, for actions that ask for it
// again, under the login throttle (see ConfirmPassword).
func (s *Service) VerifyPassword(ctx context.Context, userID int64, password string) error {
	return confirmPassword(ctx, s.DB, s.gate(ctx), s.Clock.Now(), userID, password, "password")
}

// List returns every account, for the administrator.
func (s *Service) List(ctx context.Context) ([]User, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+userCols+` FROM users ORDER BY name, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *u)
	}
	return out, rows.Err()
}

// SetRole changes a person's installation role; only administrators may.
func (s *Service) SetRole(ctx context.Context, actor *User, userID int64, role string) error {
	if !actor.IsAdmin() {
		return errs.E(errs.Forbidden, "error.forbidden")
	}
	if role != RoleAdmin && role != RoleCoordinator && role != RoleMember {
		return errs.E(errs.Invalid, "error.choice_invalid")
	}
	if actor.ID == userID && role != RoleAdmin {
		return errs.E(errs.Conflict, "admin.error.demote_self")
	}
	res, err := s.DB.Exec(ctx, `UPDATE users SET role = ? WHERE id = ?`, role, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.E(errs.NotFound, "error.not_found")
	}
	return nil
}
