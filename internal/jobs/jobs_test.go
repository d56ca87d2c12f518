package jobs

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"mentorskap/internal/clock"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

func TestBackoff(t *testing.T) {
	t.Parallel()
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute}
	for i, d := range want {
		if got := Backoff(i + 1); got != d {
			t.Errorf("Backoff(%d) = %v, want %v", i+1, got, d)
		}
	}
	if got := Backoff(30); got != 6*time.Hour {
		t.Errorf("Backoff(30) = %v, want the 6h cap", got)
	}
}

func testWorker(db *store.DB, clk clock.Clock, id string) *Worker {
	return &Worker{DB: db, Clock: clk, Log: slog.New(slog.DiscardHandler), ID: id, Batch: 5, Lease: 10 * time.Minute}
}

type jobRow struct {
	Attempts  int
	LockedBy  string
	LastError string
	RunAt     time.Time
	Done      bool
	GaveUp    bool
}

func readJob(t *testing.T, db *store.DB, key string) jobRow {
	t.Helper()
	var r jobRow
	var done, gave *time.Time
	err := db.QueryRow(context.Background(), `SELECT attempts, locked_by, last_error, run_at, done_at, gave_up_at FROM jobs WHERE key = ?`, key).
		Scan(&r.Attempts, &r.LockedBy, &r.LastError, &r.RunAt, &done, &gave)
	if err != nil {
		t.Fatal(err)
	}
	r.Done, r.GaveUp = done != nil, gave != nil
	r.RunAt = r.RunAt.UTC()
	return r
}

func TestEnqueueIsIdempotent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		added, err := Enqueue(ctx, db, "t", "k1", start, map[string]int{"n": 1})
		if err != nil || !added {
			t.Fatalf("first enqueue: %v %v", added, err)
		}
		// Inside a caller's transaction too, and with the same key again.
		err = db.Tx(ctx, func(tx *store.Tx) error {
			added, err = Enqueue(ctx, tx, "t", "k1", start.Add(time.Hour), nil)
			return err
		})
		if err != nil || added {
			t.Fatalf("second enqueue: %v %v", added, err)
		}
		var n int
		var payload string
		db.QueryRow(ctx, `SELECT COUNT(*), MIN(payload) FROM jobs`).Scan(&n, &payload)
		if n != 1 || payload != `{"n":1}` {
			t.Fatalf("rows %d payload %s", n, payload)
		}
	})
}

func TestRetryWithBackoffThenSuccess(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := clock.NewFixed(start)
		w := testWorker(db, clk, "w1")
		var calls atomic.Int32
		w.Handle("flaky", func(ctx context.Context, db *store.DB, j *Job) error {
			if calls.Add(1) <= 2 {
				return errors.New("smtp down")
			}
			return nil
		})
		Enqueue(ctx, db, "flaky", "f", start, nil)

		if n, _ := w.RunOnce(ctx); n != 1 {
			t.Fatalf("claimed %d", n)
		}
		r := readJob(t, db, "f")
		if r.Attempts != 1 || r.LastError != "smtp down" || !r.RunAt.Equal(start.Add(time.Minute)) || r.LockedBy != "" || r.Done {
			t.Fatalf("after first failure: %+v", r)
		}
		// Not due again until the backoff has passed.
		clk.Advance(time.Minute - time.Second)
		if n, _ := w.RunOnce(ctx); n != 0 {
			t.Fatal("retried before the backoff")
		}
		clk.Advance(time.Second)
		w.RunOnce(ctx)
		if r := readJob(t, db, "f"); r.Attempts != 2 || !r.RunAt.Equal(clk.Now().Add(2*time.Minute)) {
			t.Fatalf("after second failure: %+v", r)
		}
		clk.Advance(2 * time.Minute)
		w.RunOnce(ctx)
		if r := readJob(t, db, "f"); !r.Done || r.Attempts != 3 || r.LastError != "" {
			t.Fatalf("after success: %+v", r)
		}
		clk.Advance(24 * time.Hour)
		if n, _ := w.RunOnce(ctx); n != 0 || calls.Load() != 3 {
			t.Fatalf("a done job ran again: %d calls", calls.Load())
		}
	})
}

func TestGiveUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := clock.NewFixed(start)
		w := testWorker(db, clk, "w1")
		w.Handle("broken", func(context.Context, *store.DB, *Job) error { panic("boom") })
		Enqueue(ctx, db, "broken", "b", start, nil)
		for i := 0; i < MaxAttempts; i++ {
			if n, _ := w.RunOnce(ctx); n != 1 {
				t.Fatalf("attempt %d not claimed", i+1)
			}
			clk.Advance(maxRetry)
		}
		r := readJob(t, db, "b")
		if !r.GaveUp || r.Done || r.Attempts != MaxAttempts || r.LastError != "panic: boom" {
			t.Fatalf("%+v", r)
		}
		if n, _ := w.RunOnce(ctx); n != 0 {
			t.Fatal("ran after giving up")
		}
	})
}

func TestLeaseHandsDeadWorkersJobsOn(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := clock.NewFixed(start)
		dead := testWorker(db, clk, "dead")
		alive := testWorker(db, clk, "alive")
		var ran []string
		alive.Handle("t", func(_ context.Context, _ *store.DB, j *Job) error { ran = append(ran, j.Key); return nil })
		Enqueue(ctx, db, "t", "x", start, nil)

		// The dead worker claims and never finishes.
		js, err := dead.claim(ctx)
		if err != nil || len(js) != 1 {
			t.Fatalf("claim: %v %v", js, err)
		}
		if r := readJob(t, db, "x"); r.LockedBy != "dead" || r.Attempts != 1 {
			t.Fatalf("%+v", r)
		}
		clk.Advance(dead.Lease - time.Second)
		if n, _ := alive.RunOnce(ctx); n != 0 {
			t.Fatal("took a job under a live lease")
		}
		clk.Advance(time.Second)
		if n, _ := alive.RunOnce(ctx); n != 1 || len(ran) != 1 {
			t.Fatalf("lease ran out but the job was not taken: %d", n)
		}
		// The dead worker waking up cannot finish it a second time.
		err = db.Tx(ctx, func(tx *store.Tx) error { return Finish(ctx, tx, js[0], clk.Now()) })
		if !errors.Is(err, ErrLost) {
			t.Fatalf("finish by the old holder: %v", err)
		}
		if r := readJob(t, db, "x"); !r.Done || r.Attempts != 2 {
			t.Fatalf("%+v", r)
		}
	})
}

func TestCancelReleasesClaimedJobs(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		clk := clock.NewFixed(start)
		w := testWorker(db, clk, "stopping")
		ctx, cancel := context.WithCancel(context.Background())
		started := make(chan struct{})
		w.Handle("slow", func(ctx context.Context, _ *store.DB, _ *Job) error {
			close(started)
			<-ctx.Done()
			return ctx.Err()
		})
		w.Handle("other", func(context.Context, *store.DB, *Job) error { return nil })
		Enqueue(context.Background(), db, "slow", "s", start, nil)
		Enqueue(context.Background(), db, "other", "o", start.Add(time.Second), nil)
		clk.Advance(time.Minute)

		done := make(chan struct{})
		go func() { defer close(done); w.Run(ctx) }()
		<-started
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not stop")
		}
		for _, k := range []string{"s", "o"} {
			if r := readJob(t, db, k); r.LockedBy != "" || r.Attempts != 0 || r.Done || r.LastError != "" {
				t.Fatalf("job %s not handed back cleanly: %+v", k, r)
			}
		}
		// Another worker takes both at once, without waiting for a lease.
		next := testWorker(db, clk, "next")
		next.Handle("slow", func(context.Context, *store.DB, *Job) error { return nil })
		next.Handle("other", func(context.Context, *store.DB, *Job) error { return nil })
		if n, err := next.RunOnce(context.Background()); n != 2 || err != nil {
			t.Fatalf("released jobs not claimable: %d %v", n, err)
		}
	})
}

func TestPeriodicJobQueuedOncePerBucket(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := clock.NewFixed(time.Date(2026, 3, 2, 9, 7, 0, 0, time.UTC))
		a, b := testWorker(db, clk, "a"), testWorker(db, clk, "b")
		var runs atomic.Int32
		for _, w := range []*Worker{a, b} {
			w.Handle("tick", func(context.Context, *store.DB, *Job) error { runs.Add(1); return nil })
			w.Every("tick", 15*time.Minute)
		}
		for _, w := range []*Worker{a, b, a} {
			if err := w.Schedule(ctx); err != nil {
				t.Fatal(err)
			}
			w.RunOnce(ctx)
		}
		var key string
		db.QueryRow(ctx, `SELECT key FROM jobs`).Scan(&key)
		if runs.Load() != 1 || key != "tick@2026-03-02T09:00:00Z" {
			t.Fatalf("runs %d key %s", runs.Load(), key)
		}
		clk.Advance(8 * time.Minute) // 09:15, the next bucket
		b.Schedule(ctx)
		b.RunOnce(ctx)
		if runs.Load() != 2 {
			t.Fatalf("next bucket: runs %d", runs.Load())
		}
	})
}
