package account

import (
	"context"
	"testing"
	"time"

	"mentorskap/internal/clock"
	"mentorskap/internal/errs"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// Each form that asks a signed-in person for their password again refuses,
// after MaxFailsPerKey wrong passwords, even the right one until the
// window passes; the guesses count towards the login throttle too.
func TestConfirmPasswordThrottle(t *testing.T) {
	t.Parallel()
	const pw = "long-enough-password"
	forms := []struct {
		name  string
		field string
		try   func(ctx context.Context, s *Service, u *User, password, secret string) error
		done  func(ctx context.Context, s *Service, u *User) bool
	}{
		{"verify", "password",
			func(ctx context.Context, s *Service, u *User, password, secret string) error {
				return s.VerifyPassword(ctx, u.ID, password)
			}, nil},
		{"change password", "current_password",
			func(ctx context.Context, s *Service, u *User, password, secret string) error {
				return s.ChangePassword(ctx, u.ID, "", password, "a-brand-new-password")
			},
			func(ctx context.Context, s *Service, u *User) bool {
				var hash string
				s.DB.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = ?`, u.ID).Scan(&hash)
				return CheckPassword(hash, "a-brand-new-password")
			}},
		{"disable two-factor", "password",
			func(ctx context.Context, s *Service, u *User, password, secret string) error {
				return s.DisableTOTP(ctx, u.ID, password, totpCodeNow(t, secret, s.Clock.Now()))
			},
			func(ctx context.Context, s *Service, u *User) bool {
				on, _ := TOTPEnabled(ctx, s.DB, u.ID)
				return !on
			}},
	}
	for _, form := range forms {
		t.Run(form.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := WithClientIP(context.Background(), "198.51.100.7")
				clk := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
				s := &Service{DB: db, Clock: clk}
				u, err := s.Create(ctx, NewUser{Email: "c@example.org", Name: "C", Password: pw, Role: RoleMember})
				if err != nil {
					t.Fatal(err)
				}
				var secret string
				if form.name == "disable two-factor" {
					secret = enableTOTPForTest(t, ctx, s, u)
					clk.Advance(time.Minute) // past the step the set-up used
				}
				for i := 0; i < MaxFailsPerKey; i++ {
					err := form.try(ctx, s, u, "wrong password", secret)
					if e, ok := errs.As(err); !ok || e.Kind != errs.Invalid || e.Fields[form.field].Key != "error.password_wrong" {
						t.Fatalf("wrong password %d: %v", i+1, err)
					}
					clk.Advance(time.Second)
				}
				err = form.try(ctx, s, u, pw, secret)
				if e, ok := errs.As(err); !ok || e.Kind != errs.TooMany || e.Fields[form.field].Key != "password.error.throttled" {
					t.Fatalf("right password while throttled: %v", err)
				}
				if form.done != nil && form.done(ctx, s, u) {
					t.Fatal("the action went through while throttled")
				}
				// The same guesses shut the login too, and were counted
				// against the address.
				if _, _, _, err := s.BeginLogin(ctx, "c@example.org", pw, "203.0.113.1"); !errs.Is(err, errs.TooMany) {
					t.Fatalf("login after wrong confirmations: %v", err)
				}
				var perIP int
				db.QueryRow(ctx, `SELECT COUNT(*) FROM login_failures WHERE key = ?`, "ip:198.51.100.7").Scan(&perIP)
				if perIP != MaxFailsPerKey {
					t.Fatalf("failures counted for the address: %d, want %d", perIP, MaxFailsPerKey)
				}
				clk.Advance(ThrottleWindow)
				if err := form.try(ctx, s, u, pw, secret); err != nil {
					t.Fatalf("right password after the window: %v", err)
				}
				if form.done != nil && !form.done(ctx, s, u) {
					t.Fatal("the action did not go through after the window")
				}
			})
		})
	}
}

// Without an address in the context (a use case run outside a request)
// only the account counts.
func TestConfirmFailedWithoutAddress(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		s := &Service{DB: db, Clock: clk}
		u, _ := s.Create(ctx, NewUser{Email: "n@example.org", Name: "N", Password: "long-enough-password", Role: RoleMember})
		s.VerifyPassword(ctx, u.ID, "nope")
		var keys []string
		rows, err := db.Query(ctx, `SELECT key FROM login_failures`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			rows.Scan(&k)
			keys = append(keys, k)
		}
		if len(keys) != 1 || keys[0] != "email:n@example.org" {
			t.Fatalf("failure rows: %v", keys)
		}
	})
}

func enableTOTPForTest(t *testing.T, ctx context.Context, s *Service, u *User) string {
	t.Helper()
	secret, err := s.BeginTOTP(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmTOTP(ctx, u.ID, totpCodeNow(t, secret, s.Clock.Now())); err != nil {
		t.Fatal(err)
	}
	return secret
}
