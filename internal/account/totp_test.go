package account

import (
	"context"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/clock"
	"mentorskap/internal/errs"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// RFC 6238 appendix B, SHA-1 rows, with the 8-digit codes the RFC prints.
func TestTOTPRFC6238Vectors(t *testing.T) {
	t.Parallel()
	key := []byte("12345678901234567890")
	for _, c := range []struct {
		unix int64
		want string
	}{
		{59, "94287082"}, {1111111109, "07081804"}, {1111111111, "14050471"},
		{1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
	} {
		if got := TOTPCode(key, c.unix/30, 8); got != c.want {
			t.Errorf("T=%d: got %s, want %s", c.unix, got, c.want)
		}
		// Six digits are the last six of the same value.
		if got := TOTPCode(key, c.unix/30, 6); got != c.want[2:] {
			t.Errorf("T=%d six digits: got %s, want %s", c.unix, got, c.want[2:])
		}
	}
}

func TestCheckTOTPWindowAndReplay(t *testing.T) {
	t.Parallel()
	key := []byte("12345678901234567890")
	now := time.Unix(1111111111, 0)
	cur := totpStep(now)
	for d := int64(-1); d <= 1; d++ {
		if step, ok := checkTOTP(key, TOTPCode(key, cur+d, 6), now, 0); !ok || step != cur+d {
			t.Errorf("step %+d refused", d)
		}
	}
	for _, d := range []int64{-2, 2} {
		if _, ok := checkTOTP(key, TOTPCode(key, cur+d, 6), now, 0); ok {
			t.Errorf("step %+d accepted", d)
		}
	}
	if _, ok := checkTOTP(key, TOTPCode(key, cur, 6), now, cur); ok {
		t.Error("a used step was accepted again")
	}
	if _, ok := checkTOTP(key, "12345", now, 0); ok {
		t.Error("short code accepted")
	}
}

func TestTOTPURI(t *testing.T) {
	t.Parallel()
	u := TOTPURI("JBSWY3DPEHPK3PXP", "a b@example.org")
	for _, want := range []string{"otpauth://totp/Mentorskap:a%20b@example.org?", "secret=JBSWY3DPEHPK3PXP", "issuer=Mentorskap", "digits=6", "period=30", "algorithm=SHA1"} {
		if !strings.Contains(u, want) {
			t.Errorf("%s lacks %s", u, want)
		}
	}
}

func totpCodeNow(t *testing.T, secret string, now time.Time) string {
	t.Helper()
	key, err := b32.DecodeString(secret)
	if err != nil {
		t.Fatal(err)
	}
	return TOTPCode(key, totpStep(now), 6)
}

func TestTOTPEnrolLoginDisable(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		s := &Service{DB: db, Clock: clk}
		u, err := s.Create(ctx, NewUser{Email: "t@example.org", Name: "T", Password: "long-enough-password", Role: RoleMember})
		if err != nil {
			t.Fatal(err)
		}
		secret, err := s.BeginTOTP(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Not yet confirmed: login is still one step.
		if _, sess, ch, err := s.BeginLogin(ctx, "t@example.org", "long-enough-password", "1.2.3.4"); err != nil || sess == "" || ch != "" {
			t.Fatalf("login before confirm: %q %q %v", sess, ch, err)
		}
		if _, err := s.ConfirmTOTP(ctx, u.ID, "000000"); !errs.Is(err, errs.Invalid) && totpCodeNow(t, secret, clk.Now()) != "000000" {
			t.Fatalf("wrong confirmation code: %v", err)
		}
		codes, err := s.ConfirmTOTP(ctx, u.ID, totpCodeNow(t, secret, clk.Now()))
		if err != nil || len(codes) != RecoveryCodes {
			t.Fatalf("confirm: %v %v", codes, err)
		}
		if _, err := s.BeginTOTP(ctx, u.ID); !errs.Is(err, errs.Conflict) {
			t.Fatalf("second enrolment: %v", err)
		}
		var stored string
		db.QueryRow(ctx, `SELECT code_hash FROM totp_recovery_codes WHERE user_id = ? LIMIT 1`, u.ID).Scan(&stored)
		for _, c := range codes {
			if strings.Contains(stored, normalizeCode(c)) {
				t.Fatal("recovery code stored in clear")
			}
		}

		if _, _, err := s.Login(ctx, "t@example.org", "long-enough-password", "1.2.3.4"); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("plain Login with 2FA on: %v", err)
		}
		_, sess, ch, err := s.BeginLogin(ctx, "t@example.org", "long-enough-password", "1.2.3.4")
		if err != nil || sess != "" || ch == "" {
			t.Fatalf("password step: %q %q %v", sess, ch, err)
		}
		// The code used to confirm cannot be replayed within its step.
		if _, _, err := s.LoginCode(ctx, ch, totpCodeNow(t, secret, clk.Now()), "1.2.3.4"); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("replayed code: %v", err)
		}
		clk.Advance(30 * time.Second)
		got, sess, err := s.LoginCode(ctx, ch, totpCodeNow(t, secret, clk.Now()), "1.2.3.4")
		if err != nil || sess == "" || got.ID != u.ID {
			t.Fatalf("code step: %v", err)
		}
		if _, err := s.UserBySession(ctx, sess); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.LoginCode(ctx, ch, totpCodeNow(t, secret, clk.Now()), "1.2.3.4"); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("challenge reused: %v", err)
		}

		// A recovery code works once.
		_, _, ch, _ = s.BeginLogin(ctx, "t@example.org", "long-enough-password", "1.2.3.4")
		if _, _, err := s.LoginCode(ctx, ch, strings.ToUpper(codes[0]), "1.2.3.4"); err != nil {
			t.Fatalf("recovery code: %v", err)
		}
		_, _, ch, _ = s.BeginLogin(ctx, "t@example.org", "long-enough-password", "1.2.3.4")
		if _, _, err := s.LoginCode(ctx, ch, codes[0], "1.2.3.4"); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("recovery code reused: %v", err)
		}

		// Challenges expire.
		clk.Advance(ChallengeTTL + time.Second)
		if _, _, err := s.LoginCode(ctx, ch, totpCodeNow(t, secret, clk.Now()), "1.2.3.4"); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("expired challenge: %v", err)
		}

		// Disabling needs both password and code.
		if err := s.DisableTOTP(ctx, u.ID, "wrong", totpCodeNow(t, secret, clk.Now())); !errs.Is(err, errs.Invalid) {
			t.Fatalf("disable with wrong password: %v", err)
		}
		clk.Advance(30 * time.Second)
		if err := s.DisableTOTP(ctx, u.ID, "long-enough-password", "999999x"); !errs.Is(err, errs.Invalid) {
			t.Fatalf("disable with wrong code: %v", err)
		}
		if err := s.DisableTOTP(ctx, u.ID, "long-enough-password", totpCodeNow(t, secret, clk.Now())); err != nil {
			t.Fatal(err)
		}
		if on, _ := TOTPEnabled(ctx, db, u.ID); on {
			t.Fatal("still on")
		}
	})
}

// Wrong codes are throttled like wrong passwords, and a right password does
// not reset the count.
func TestTOTPCodeThrottle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		s := &Service{DB: db, Clock: clk}
		u, _ := s.Create(ctx, NewUser{Email: "t@example.org", Name: "T", Password: "long-enough-password", Role: RoleMember})
		secret, _ := s.BeginTOTP(ctx, u.ID)
		if _, err := s.ConfirmTOTP(ctx, u.ID, totpCodeNow(t, secret, clk.Now())); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Minute)
		for i := 0; i < MaxFailsPerKey; i++ {
			_, _, ch, err := s.BeginLogin(ctx, "t@example.org", "long-enough-password", "1.2.3.4")
			if err != nil {
				t.Fatalf("attempt %d: %v", i, err)
			}
			s.LoginCode(ctx, ch, "abcdefgh", "1.2.3.4")
		}
		_, _, _, err := s.BeginLogin(ctx, "t@example.org", "long-enough-password", "1.2.3.4")
		if !errs.Is(err, errs.TooMany) {
			t.Fatalf("after %d wrong codes: %v", MaxFailsPerKey, err)
		}
	})
}
