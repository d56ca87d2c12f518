package account

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"mentorskap/internal/clock"
	"mentorskap/internal/errs"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

const testPassword = "long-enough-password"

func newTestService(t *testing.T, db *store.DB) (*Service, *clock.Fixed) {
	t.Helper()
	clk := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	return &Service{DB: db, Clock: clk}, clk
}

func mustCreate(t *testing.T, s *Service, email string) *User {
	t.Helper()
	u, err := s.Create(context.Background(), NewUser{Email: email, Name: email, Password: testPassword, Role: RoleMember})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// parallel runs try n times at once and counts the kinds of error it got.
func parallel(t *testing.T, n int, try func(i int) error) map[errs.Kind]int {
	t.Helper()
	var mu sync.Mutex
	kinds := map[errs.Kind]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			err := try(i)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				kinds[-1]++
				return
			}
			if errs.KindOf(err) == errs.Internal {
				t.Errorf("attempt %d: %v", i, err)
			}
			kinds[errs.KindOf(err)]++
		})
	}
	close(start)
	wg.Wait()
	return kinds
}

// Guesses sent all at once are counted before any is checked: at most
// MaxFailsPerKey of them are checked and the rest are refused, on every
// form that checks a password or a code. Checking first and counting after
// let 150 parallel guesses through.
func TestParallelGuessesReservedBeforeCheck(t *testing.T) {
	t.Parallel()
	const n = 3 * MaxFailsPerKey
	forms := []struct {
		name  string
		wrong errs.Kind // what a checked wrong guess answers
		setup func(t *testing.T, ctx context.Context, s *Service, u *User) []string
		try   func(ctx context.Context, s *Service, u *User, arg string) error
	}{
		{"login", errs.Unauthorized, nil,
			func(ctx context.Context, s *Service, u *User, _ string) error {
				_, _, _, err := s.BeginLogin(ctx, u.Email, "wrong password", "198.51.100.7")
				return err
			}},
		{"code step", errs.Unauthorized,
			func(t *testing.T, ctx context.Context, s *Service, u *User) []string {
				enableTOTPForTest(t, ctx, s, u)
				var challenges []string
				for range n {
					_, _, ch, err := s.BeginLogin(ctx, u.Email, testPassword, "198.51.100.7")
					if err != nil || ch == "" {
						t.Fatalf("password step: %q %v", ch, err)
					}
					challenges = append(challenges, ch)
				}
				return challenges
			},
			func(ctx context.Context, s *Service, u *User, ch string) error {
				_, _, err := s.LoginCode(ctx, ch, "zzzz-zzzz-zzzz", "198.51.100.7")
				return err
			}},
		{"confirm", errs.Invalid, nil,
			func(ctx context.Context, s *Service, u *User, _ string) error {
				return ConfirmPassword(ctx, s.DB, s.Clock.Now(), u.ID, "wrong password", "password")
			}},
		{"change password", errs.Invalid, nil,
			func(ctx context.Context, s *Service, u *User, _ string) error {
				return s.ChangePassword(ctx, u.ID, "", "wrong password", "a-brand-new-password")
			}},
		{"disable two-factor", errs.Invalid,
			func(t *testing.T, ctx context.Context, s *Service, u *User) []string {
				enableTOTPForTest(t, ctx, s, u)
				return nil
			},
			func(ctx context.Context, s *Service, u *User, _ string) error {
				return s.DisableTOTP(ctx, u.ID, "wrong password", "zzzz-zzzz-zzzz")
			}},
	}
	for _, form := range forms {
		t.Run(form.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := WithClientIP(context.Background(), "198.51.100.7")
				s, _ := newTestService(t, db)
				u := mustCreate(t, s, "p@example.org")
				var args []string
				if form.setup != nil {
					args = form.setup(t, ctx, s, u)
				}
				kinds := parallel(t, n, func(i int) error {
					arg := ""
					if i < len(args) {
						arg = args[i]
					}
					return form.try(ctx, s, u, arg)
				})
				if kinds[form.wrong] != MaxFailsPerKey || kinds[errs.TooMany] != n-MaxFailsPerKey {
					t.Fatalf("%d parallel wrong guesses: %v, want %d checked and %d refused",
						n, kinds, MaxFailsPerKey, n-MaxFailsPerKey)
				}
				// The right password is refused now too.
				if _, _, _, err := s.BeginLogin(ctx, u.Email, testPassword, "198.51.100.7"); !errs.Is(err, errs.TooMany) {
					t.Fatalf("right password after the burst: %v", err)
				}
			})
		})
	}
}

// The address limit holds against guesses spread over many accounts.
func TestParallelGuessesPerAddress(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, _ := newTestService(t, db)
		n := MaxFailsPerIP + 10
		kinds := parallel(t, n, func(i int) error {
			_, _, _, err := s.BeginLogin(context.Background(), fmt.Sprintf("u%d@example.org", i), "wrong password", "203.0.113.9")
			return err
		})
		if kinds[errs.Unauthorized] != MaxFailsPerIP || kinds[errs.TooMany] != n-MaxFailsPerIP {
			t.Fatalf("%d parallel guesses from one address: %v", n, kinds)
		}
	})
}

// A right password takes its reservation back: logging in does not use up
// attempts, and with two-factor login on the earlier failures still count.
func TestRightPasswordReleasesReservation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newTestService(t, db)
		u := mustCreate(t, s, "r@example.org")
		for range MaxFailsPerKey + 2 {
			if _, _, err := s.Login(ctx, u.Email, testPassword, "198.51.100.7"); err != nil {
				t.Fatal(err)
			}
		}
		for range MaxFailsPerKey - 1 {
			s.Login(ctx, u.Email, "wrong password", "198.51.100.7")
		}
		if _, _, err := s.Login(ctx, u.Email, testPassword, "198.51.100.7"); err != nil {
			t.Fatalf("right password under the limit: %v", err)
		}
		var n int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM login_failures WHERE key = ?`, "email:"+u.Email).Scan(&n)
		if n != 0 {
			t.Fatalf("%d failures kept after a login", n)
		}
	})
}

// waitFor yields until cond holds; the test's own deadline bounds it.
func waitFor(cond func() bool) {
	for !cond() {
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
}

// No more hashes run at once than the gate has slots; the others wait for
// one, then go on.
func TestHashGateBoundsConcurrentHashes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, _ := newTestService(t, db)
		const slots, n = 2, 8
		g := NewHashGate(slots*HashCost, time.Hour)
		release := make(chan struct{})
		g.hold = func() { <-release }
		s.Hashing = g
		if g.Slots() != slots {
			t.Fatalf("slots: %d", g.Slots())
		}
		done := make(chan map[errs.Kind]int)
		go func() {
			done <- parallel(t, n, func(i int) error {
				_, _, _, err := s.BeginLogin(context.Background(), fmt.Sprintf("g%d@example.org", i), "wrong password", "")
				return err
			})
		}()
		waitFor(func() bool { r, w := g.Running(); return r+w == n || r > slots })
		if r, w := g.Running(); r != slots || w != n-slots {
			t.Fatalf("%d hashing and %d waiting, want %d and %d", r, w, slots, n-slots)
		}
		close(release)
		kinds := <-done
		if kinds[errs.Unauthorized] != n || g.Peak() != slots {
			t.Fatalf("results %v, peak %d", kinds, g.Peak())
		}
	})
}

// When no slot frees up in time the attempt is refused as busy, with a
// Retry-After, and does not count as a failed guess.
func TestHashGateBusyRefusesAndReleases(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newTestService(t, db)
		u := mustCreate(t, s, "b@example.org")
		g := NewHashGate(1, 0) // below one hash's cost: still one slot
		entered, release := make(chan struct{}), make(chan struct{})
		g.hold = func() { entered <- struct{}{}; <-release }
		s.Hashing = g
		first := make(chan error)
		go func() {
			_, _, err := s.Login(ctx, "other@example.org", "wrong password", "198.51.100.7")
			first <- err
		}()
		<-entered
		g.hold = nil
		_, _, err := s.Login(ctx, u.Email, testPassword, "198.51.100.7")
		e, ok := errs.As(err)
		if !ok || e.Kind != errs.TooMany || e.Key != "login.error.busy" || e.RetryAfter <= 0 {
			t.Fatalf("login while the only slot is taken: %v", err)
		}
		var n int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM login_failures WHERE key IN (?, ?)`, "email:"+u.Email, "ip:198.51.100.7").Scan(&n)
		if n != 1 { // the parked attempt's address row only
			t.Fatalf("%d throttle rows after a busy refusal", n)
		}
		close(release)
		if err := <-first; !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("parked attempt: %v", err)
		}
		if _, _, err := s.Login(ctx, u.Email, testPassword, "198.51.100.7"); err != nil {
			t.Fatalf("login once the slot is free: %v", err)
		}
	})
}

// The reset form is limited per address typed, whether an account has it
// or not, and per client address; only the allowed requests send email.
func TestRequestResetThrottled(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newTestService(t, db)
		s.Outbox = testOutbox(t)
		mustCreate(t, s, "known@example.org")
		for _, email := range []string{"known@example.org", "unknown@example.org"} {
			for i := range MaxResetsPerKey {
				if err := s.RequestReset(ctx, email, "198.51.100.7", "en"); err != nil {
					t.Fatalf("%s request %d: %v", email, i, err)
				}
			}
			err := s.RequestReset(ctx, email, "198.51.100.7", "en")
			if e, ok := errs.As(err); !ok || e.Kind != errs.TooMany || e.Fields["email"].Key != "forgot.error.throttled" || e.RetryAfter <= 0 {
				t.Fatalf("%s past the limit: %v", email, err)
			}
		}
		var sent int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM outbox`).Scan(&sent)
		if sent != MaxResetsPerKey {
			t.Fatalf("%d emails sent", sent)
		}
		// The address has used 2*MaxResetsPerKey of its requests.
		for i := 2 * MaxResetsPerKey; i < MaxResetsPerIP; i++ {
			if err := s.RequestReset(ctx, fmt.Sprintf("x%d@example.org", i), "198.51.100.7", "en"); err != nil {
				t.Fatalf("request %d from the address: %v", i, err)
			}
		}
		if err := s.RequestReset(ctx, "fresh@example.org", "198.51.100.7", "en"); !errs.Is(err, errs.TooMany) {
			t.Fatalf("past the address limit: %v", err)
		}
		if err := s.RequestReset(ctx, "fresh@example.org", "192.0.2.1", "en"); err != nil {
			t.Fatalf("another address: %v", err)
		}
	})
}
