package account

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"mentorskap/internal/errs"
	"mentorskap/internal/store"
)

// APIToken is a personal access token for the JSON API. The secret itself is
// shown once, at creation.
type APIToken struct {
	ID         int64
	Name       string
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

// TokenPrefix marks our tokens so that secret scanners can find leaked ones.
const TokenPrefix = "msk_"

// CreateToken checks the password, and the code when the person has
// two-factor login, and issues a token, for POST /api/v1/tokens. It shares
// the login throttle.
func (s *Service) CreateToken(ctx context.Context, email, password, code, ip, name string) (string, error) {
	u, session, challenge, err := s.BeginLogin(ctx, email, password, ip)
	if err == nil && challenge != "" {
		if normalizeCode(code) == "" {
			return "", errs.E(errs.Unauthorized, "totp.error.code_required")
		}
		u, session, err = s.LoginCode(ctx, challenge, code, ip)
	}
	if err != nil {
		return "", err
	}
	// The session Login opened is not wanted for an API client.
	if err := s.Logout(ctx, session); err != nil {
		return "", err
	}
	return s.IssueToken(ctx, u.ID, name)
}

// IssueToken creates a token for a logged-in person.
func (s *Service) IssueToken(ctx context.Context, userID int64, name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		name = "API"
	}
	if utf8.RuneCountInString(name) > 100 {
		return "", &errs.Error{Kind: errs.Invalid, Key: "error.invalid",
			Fields: map[string]errs.Msg{"name": {Key: "error.too_long", Args: []any{"max", 100}}}}
	}
	secret, hash := NewToken()
	secret = TokenPrefix + secret
	hash = HashToken(secret)
	_, err := s.DB.Exec(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)`,
		userID, name, hash, s.Clock.Now())
	return secret, err
}

// Tokens lists a person's live tokens.
func (s *Service) Tokens(ctx context.Context, userID int64) ([]APIToken, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, name, created_at, last_used_at FROM api_tokens
		WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at DESC, id DESC`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		if err := rows.Scan(&t.ID, &t.Name, &t.CreatedAt, &t.LastUsedAt); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken ends a token; a person can only revoke their own.
func (s *Service) RevokeToken(ctx context.Context, userID, tokenID int64) error {
	res, err := s.DB.Exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL`,
		s.Clock.Now(), tokenID, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.E(errs.NotFound, "error.not_found")
	}
	return nil
}

// UserByToken returns the person behind a bearer token.
func (s *Service) UserByToken(ctx context.Context, secret string) (*User, error) {
	if !strings.HasPrefix(secret, TokenPrefix) {
		return nil, errs.E(errs.Unauthorized, "error.login_required")
	}
	hash := HashToken(secret)
	var u User
	var lastUsed *time.Time
	err := s.DB.QueryRow(ctx, `SELECT u.id, u.email, u.name, u.role, u.language, u.timezone, u.created_at, t.last_used_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND t.revoked_at IS NULL`, hash).
		Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Language, &u.Timezone, &u.CreatedAt, &lastUsed)
	if err != nil {
		if store.NotFound(err, "") != err {
			return nil, errs.E(errs.Unauthorized, "error.login_required")
		}
		return nil, err
	}
	now := s.Clock.Now()
	if lastUsed == nil || now.Sub(*lastUsed) > time.Minute {
		if _, err := s.DB.Exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?`, now, hash); err != nil {
			return nil, err
		}
	}
	return &u, nil
}
