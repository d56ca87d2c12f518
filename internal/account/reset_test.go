package account

import (
	"context"
	"regexp"
	"testing"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/notify"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

func testOutbox(t *testing.T) *notify.Outbox {
	t.Helper()
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return &notify.Outbox{Bundle: b, BaseURL: "http://mentorskap.test"}
}

var resetLink = regexp.MustCompile(`/reset/([A-Za-z0-9_-]+)`)

// resetTokens asks for n reset links and returns their tokens, oldest first.
func resetTokens(t *testing.T, s *Service, email string, n int) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	for range n {
		if err := s.RequestReset(ctx, email, "", "en"); err != nil {
			t.Fatal(err)
		}
		var body string
		if err := s.DB.QueryRow(ctx, `SELECT body FROM outbox ORDER BY id DESC LIMIT 1`).Scan(&body); err != nil {
			t.Fatal(err)
		}
		m := resetLink.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no link in %q", body)
		}
		out = append(out, m[1])
	}
	return out
}

// A reset ends every way into the account: sessions, API tokens, pending
// two-factor logins and the other reset links, older ones included.
func TestResetEndsEveryWayIn(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, clk := newTestService(t, db)
		s.Outbox = testOutbox(t)
		u := mustCreate(t, s, "w@example.org")
		other := mustCreate(t, s, "bystander@example.org")
		_, sess1, _ := s.Login(ctx, u.Email, testPassword, "")
		_, sess2, _ := s.Login(ctx, u.Email, testPassword, "")
		_, otherSess, _ := s.Login(ctx, other.Email, testPassword, "")
		token, err := s.IssueToken(ctx, u.ID, "script")
		if err != nil {
			t.Fatal(err)
		}
		secret := enableTOTPForTest(t, ctx, s, u)
		clk.Advance(time.Minute)
		_, _, pending, err := s.BeginLogin(ctx, u.Email, testPassword, "")
		if err != nil || pending == "" {
			t.Fatalf("pending challenge: %v", err)
		}
		links := resetTokens(t, s, u.Email, 3)

		sess, err := s.ResetPassword(ctx, links[1], "a-brand-new-password")
		if err != nil || sess != "" { // two-factor login: no session from a link
			t.Fatalf("reset: %q %v", sess, err)
		}
		for _, sess := range []string{sess1, sess2} {
			if _, err := s.UserBySession(ctx, sess); !errs.Is(err, errs.Unauthorized) {
				t.Fatalf("session after reset: %v", err)
			}
		}
		if _, err := s.UserByToken(ctx, token); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("API token after reset: %v", err)
		}
		clk.Advance(30 * time.Second)
		if _, _, err := s.LoginCode(ctx, pending, totpCodeNow(t, secret, clk.Now()), ""); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("pending two-factor login after reset: %v", err)
		}
		for _, l := range []string{links[0], links[2]} {
			if err := s.CheckReset(ctx, l); !errs.Is(err, errs.NotFound) {
				t.Fatalf("other link after reset: %v", err)
			}
			if _, err := s.ResetPassword(ctx, l, "an-attacker-password"); !errs.Is(err, errs.NotFound) {
				t.Fatalf("other link used after reset: %v", err)
			}
		}
		if _, err := s.UserBySession(ctx, otherSess); err != nil {
			t.Fatalf("another person's session ended: %v", err)
		}
		if _, _, ch, err := s.BeginLogin(ctx, u.Email, "a-brand-new-password", ""); err != nil || ch == "" {
			t.Fatalf("the new password: %v", err)
		}
	})
}

// Changing the password keeps the session it was changed in and ends every
// other way in, API tokens included.
func TestChangePasswordEndsOtherWaysIn(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newTestService(t, db)
		s.Outbox = testOutbox(t)
		u := mustCreate(t, s, "c@example.org")
		_, here, _ := s.Login(ctx, u.Email, testPassword, "")
		_, elsewhere, _ := s.Login(ctx, u.Email, testPassword, "")
		token, _ := s.IssueToken(ctx, u.ID, "script")
		link := resetTokens(t, s, u.Email, 1)[0]
		if err := s.ChangePassword(ctx, u.ID, here, testPassword, "a-brand-new-password"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserBySession(ctx, here); err != nil {
			t.Fatalf("the session the change was made in: %v", err)
		}
		if _, err := s.UserBySession(ctx, elsewhere); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("other session: %v", err)
		}
		if _, err := s.UserByToken(ctx, token); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("API token after a password change: %v", err)
		}
		if toks, _ := s.Tokens(ctx, u.ID); len(toks) != 0 {
			t.Fatalf("tokens still listed: %+v", toks)
		}
		if err := s.CheckReset(ctx, link); !errs.Is(err, errs.NotFound) {
			t.Fatalf("reset link after a password change: %v", err)
		}
	})
}

// Sessions end after the idle timeout without use and after the lifetime
// however busy, both configurable; an ended session is gone for good.
func TestSessionIdleAndLifetime(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, clk := newTestService(t, db)
		u := mustCreate(t, s, "s@example.org")

		// Defaults.
		idle, life := s.SessionLimits()
		if idle != DefaultSessionIdle || life != DefaultSessionLifetime {
			t.Fatalf("defaults: %v %v", idle, life)
		}
		_, sess, _ := s.Login(ctx, u.Email, testPassword, "")
		clk.Advance(DefaultSessionIdle - time.Minute)
		if _, err := s.UserBySession(ctx, sess); err != nil {
			t.Fatalf("used just within the idle timeout: %v", err)
		}
		clk.Advance(DefaultSessionIdle - time.Minute)
		if _, err := s.UserBySession(ctx, sess); err != nil {
			t.Fatalf("idle timeout counted from login, not from last use: %v", err)
		}
		clk.Advance(DefaultSessionIdle + time.Second)
		if _, err := s.UserBySession(ctx, sess); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("idle past the timeout: %v", err)
		}
		clk.Advance(-DefaultSessionIdle) // the row is gone, not only refused
		if _, err := s.UserBySession(ctx, sess); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("an ended session came back: %v", err)
		}

		// Configured: an hour idle, three hours in all.
		s.SessionIdle, s.SessionLifetime = time.Hour, 3*time.Hour
		_, sess, _ = s.Login(ctx, u.Email, testPassword, "")
		used := time.Duration(0)
		for used+50*time.Minute < 3*time.Hour {
			clk.Advance(50 * time.Minute)
			used += 50 * time.Minute
			if _, err := s.UserBySession(ctx, sess); err != nil {
				t.Fatalf("in use after %v: %v", used, err)
			}
		}
		clk.Advance(3*time.Hour - used)
		if _, err := s.UserBySession(ctx, sess); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("busy session past its lifetime: %v", err)
		}
		_, sess, _ = s.Login(ctx, u.Email, testPassword, "")
		clk.Advance(time.Hour)
		if _, err := s.UserBySession(ctx, sess); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("configured idle timeout: %v", err)
		}
	})
}
