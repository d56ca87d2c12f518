package notify_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"mentorskap/internal/notify"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// countingSender records every delivery.
type countingSender struct {
	mu   sync.Mutex
	sent map[int64]int
	ch   chan int64
}

func newCountingSender() *countingSender {
	return &countingSender{sent: map[int64]int{}, ch: make(chan int64, 100)}
}

func (s *countingSender) Send(ctx context.Context, m notify.Message) error {
	s.mu.Lock()
	s.sent[m.ID]++
	s.mu.Unlock()
	// A little delay widens the window in which two workers overlap.
	time.Sleep(time.Millisecond)
	select {
	case s.ch <- m.ID:
	default:
	}
	return nil
}

func (f *fixture) queue(t *testing.T, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		err := f.outbox.Send(context.Background(), f.db, f.clock.Now(),
			notify.Recipient{Email: fmt.Sprintf("p%d@example.org", i), Name: "P", Lang: "en"},
			"password_reset", "name", "P", "link", "x", "minutes", 60)
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestTwoWorkersSendEachEmailOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		const total = 60
		f.queue(t, total)
		sender := newCountingSender()
		var wg sync.WaitGroup
		for i := 0; i < 2; i++ {
			w := f.worker(sender)
			w.Batch = 4
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					n, err := w.RunOnce(context.Background())
					if err != nil {
						t.Error(err)
						return
					}
					if n == 0 {
						return
					}
				}
			}()
		}
		wg.Wait()
		if len(sender.sent) != total {
			t.Fatalf("%d distinct emails sent, want %d", len(sender.sent), total)
		}
		for id, n := range sender.sent {
			if n != 1 {
				t.Errorf("email %d sent %d times", id, n)
			}
		}
		var unsent int
		db.QueryRow(context.Background(), `SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL OR attempts <> 1`).Scan(&unsent)
		if unsent != 0 {
			t.Fatalf("%d rows not marked sent once", unsent)
		}
	})
}

// An instance that claimed an email and died leaves locked_until behind; the
// email goes out once the lease has run out, and not before.
func TestExpiredClaimIsTakenAgain(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.queue(t, 1)
		ctx := context.Background()
		if _, err := db.Exec(ctx, `UPDATE outbox SET locked_until = ?`, f.clock.Now().Add(10*time.Minute)); err != nil {
			t.Fatal(err)
		}
		sender := newCountingSender()
		w := f.worker(sender)
		if n, _ := w.RunOnce(ctx); n != 0 {
			t.Fatal("claimed an email another instance holds")
		}
		f.clock.Advance(10 * time.Minute)
		if n, err := w.RunOnce(ctx); n != 1 || err != nil {
			t.Fatalf("RunOnce = %d, %v", n, err)
		}
		if len(sender.sent) != 1 {
			t.Fatal("not delivered after the lease ran out")
		}
	})
}

func TestRunWakesAndStops(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	sender := newCountingSender()
	w := f.worker(sender)
	w.Poll = time.Hour // only Wake can make it look again
	f.outbox.Wake = w.Wake
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()

	f.queue(t, 1)
	select {
	case <-sender.ch:
	case <-time.After(5 * time.Second):
		t.Fatal("woken worker did not send the email")
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop on cancel")
	}
}

func TestLogSenderMarksEmailsSent(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	f.queueNorwegian(t)
	var logs strings.Builder
	w := notify.NewWorker(f.db, notify.LogSender{Log: slog.New(slog.NewTextHandler(&logs, nil))}, f.clock,
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if n, err := w.RunOnce(context.Background()); n != 1 || err != nil {
		t.Fatalf("RunOnce = %d, %v", n, err)
	}
	if !strings.Contains(logs.String(), "to=kare@example.org") || !strings.Contains(logs.String(), "Tilbakestill passordet") {
		t.Fatalf("log lacks the email: %s", logs.String())
	}
	if r := f.row(t); r.SentAt == nil {
		t.Fatal("logged email not marked sent")
	}
	// The body, with its working reset link, stays out of the log unless
	// development asked for it.
	if strings.Contains(logs.String(), "/reset/abc") || strings.Contains(logs.String(), "Noen ba om") {
		t.Fatalf("log holds the body: %s", logs.String())
	}
}

func TestLogSenderBodiesOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	f.queueNorwegian(t)
	var logs strings.Builder
	w := notify.NewWorker(f.db, notify.LogSender{Log: slog.New(slog.NewTextHandler(&logs, nil)), Bodies: true}, f.clock,
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if n, err := w.RunOnce(context.Background()); n != 1 || err != nil {
		t.Fatalf("RunOnce = %d, %v", n, err)
	}
	if !strings.Contains(logs.String(), "/reset/abc") {
		t.Fatalf("log lacks the body: %s", logs.String())
	}
}
