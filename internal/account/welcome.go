package account

import (
	"context"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/notify"
	"mentorskap/internal/store"
)

// WelcomeTTL is how long the link in a welcome email works. It is longer
// than a reset link because a new coordinator may not read the email at
// once; it is single-use all the same.
const WelcomeTTL = 7 * 24 * time.Hour

// NewCoordinator is what the administrator types to add a coordinator.
type NewCoordinator struct {
	Email    string
	Name     string
	Language string
}

// AddCoordinator creates a coordinator account with a random password
// nobody knows and emails the person a link to choose their own. The link is
// a password-reset token with a longer life, so it works on the ordinary
// /reset page. Only administrators may do this.
func (s *Service) AddCoordinator(ctx context.Context, actor *User, n NewCoordinator) (*User, error) {
	if !actor.IsAdmin() {
		return nil, errs.E(errs.Forbidden, "error.forbidden")
	}
	if !i18n.Supported(n.Language) {
		return nil, &errs.Error{Kind: errs.Invalid, Key: "error.invalid",
			Fields: map[string]errs.Msg{"language": {Key: "error.choice_invalid"}}}
	}
	var u *User
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		now := s.Clock.Now()
		var err error
		u, err = CreateUser(ctx, tx, now, NewUser{Email: n.Email, Name: n.Name, Password: GeneratePassword(),
			Role: RoleCoordinator, Language: n.Language, Timezone: actor.Timezone})
		if err != nil {
			return err
		}
		token, hash := NewToken()
		if _, err := tx.Exec(ctx, `INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			hash, u.ID, now, now.Add(WelcomeTTL)); err != nil {
			return err
		}
		return s.Outbox.Send(ctx, tx, now, notify.Recipient{Email: u.Email, Name: u.Name, Lang: u.Language},
			"coordinator_welcome", "name", u.Name, "inviter", actor.Name, "email", u.Email,
			"link", s.Outbox.Link("/reset/"+token), "days", int(WelcomeTTL/(24*time.Hour)))
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}
