// Package jobs runs background work from a table: reminders, the weekly
// digest and closing pairs at their planned end. Any number of workers in
// any number of instances share one database. A job is claimed for a lease
// (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite's write transaction is
// exclusive), so a job whose instance died is picked up again once the
// lease runs out. Failures are retried with exponential backoff. Each job
// has a unique key, which makes enqueueing idempotent.
package jobs

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"mentorskap/internal/clock"
	"mentorskap/internal/store"
)

// Backoff and give-up limits for failing jobs.
const (
	firstRetry  = time.Minute
	maxRetry    = 6 * time.Hour
	MaxAttempts = 10
)

// Backoff is how long to wait after the given number of failed attempts:
// 1m, 2m, 4m … never more than 6h.
func Backoff(attempts int) time.Duration {
	d := firstRetry
	for i := 1; i < attempts; i++ {
		d *= 2
		if d >= maxRetry {
			return maxRetry
		}
	}
	return d
}

// ErrLost is returned by Finish when the job is no longer this worker's:
// its lease ran out and another worker took it, or it is already done.
// Returning it from inside a transaction rolls the work back, so that
// effects such as emails happen once.
var ErrLost = errors.New("jobs: job no longer held by this worker")

// Job is one claimed unit of work.
type Job struct {
	ID       int64
	Kind     string
	Key      string
	Payload  []byte
	RunAt    time.Time
	Attempts int    // including this one
	worker   string // the claiming worker
}

// Decode reads the payload into v.
func (j *Job) Decode(v any) error { return json.Unmarshal(j.Payload, v) }

// Handler does a job. db is the worker's database; a handler whose effects
// must happen once does them in a transaction that also calls Finish.
// Returning an error schedules a retry.
type Handler func(ctx context.Context, db *store.DB, j *Job) error

// Enqueue queues a job unless one with the same key exists (whatever its
// state). It may run inside the caller's transaction. payload is encoded
// as JSON; nil stands for an empty object. It reports whether a row was
// added.
func Enqueue(ctx context.Context, q store.Q, kind, key string, runAt time.Time, payload any) (bool, error) {
	body := []byte("{}")
	if payload != nil {
		var err error
		if body, err = json.Marshal(payload); err != nil {
			return false, err
		}
	}
	res, err := q.Exec(ctx, `INSERT INTO jobs (kind, key, payload, run_at, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (key) DO NOTHING`, kind, key, string(body), runAt.UTC(), time.Now().UTC())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// Finish marks j done inside tx, provided this worker still holds it.
func Finish(ctx context.Context, tx *store.Tx, j *Job, now time.Time) error {
	return finish(ctx, tx, j, now)
}

func finish(ctx context.Context, q store.Q, j *Job, now time.Time) error {
	res, err := q.Exec(ctx, `UPDATE jobs SET done_at = ?, locked_by = '', locked_until = NULL, last_error = ''
		WHERE id = ? AND locked_by = ? AND done_at IS NULL`, now.UTC(), j.ID, j.worker)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrLost
	}
	return nil
}

// periodic is a job queued once per time bucket by whichever worker looks
// first; the bucket in its key keeps the others from queueing it again.
type periodic struct {
	kind  string
	every time.Duration
}

// Worker claims and runs due jobs until its context ends.
type Worker struct {
	DB    *store.DB
	Clock clock.Clock
	Log   *slog.Logger
	ID    string        // names the claims of this worker; unique per worker
	Poll  time.Duration // how often to look for due jobs; default 30s
	Batch int           // jobs claimed per round; default 10
	Lease time.Duration // how long a claim holds; default 10m

	handlers map[string]Handler
	periodic []periodic
}

// NewWorker builds a worker with the default settings and a random ID.
func NewWorker(db *store.DB, clk clock.Clock, log *slog.Logger) *Worker {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return &Worker{DB: db, Clock: clk, Log: log, ID: fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b)),
		Poll: 30 * time.Second, Batch: 10, Lease: 10 * time.Minute}
}

// Handle registers the handler for a kind of job.
func (w *Worker) Handle(kind string, h Handler) {
	if w.handlers == nil {
		w.handlers = map[string]Handler{}
	}
	w.handlers[kind] = h
}

// Every queues a job of kind once in every interval, at the interval's
// start (intervals are counted from the zero time, so weekly ones start on
// Mondays at 00:00 UTC). kind needs a handler.
func (w *Worker) Every(kind string, every time.Duration) {
	w.periodic = append(w.periodic, periodic{kind, every})
}

// Run schedules periodic jobs and runs due jobs until ctx ends. On the way
// out it hands back every job it still holds, so that another instance can
// take them at once instead of after the lease.
func (w *Worker) Run(ctx context.Context) {
	poll := w.Poll
	if poll <= 0 {
		poll = 30 * time.Second
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	defer w.releaseAll()
	for {
		if err := w.Schedule(ctx); err != nil && ctx.Err() == nil {
			w.Log.Error("jobs: schedule", "err", err)
		}
		for ctx.Err() == nil {
			n, err := w.RunOnce(ctx)
			if err != nil {
				if ctx.Err() == nil {
					w.Log.Error("jobs", "err", err)
				}
				break
			}
			if n < w.batch() {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Schedule queues the current bucket of every periodic job.
func (w *Worker) Schedule(ctx context.Context) error {
	now := w.Clock.Now().UTC()
	var errAll error
	for _, p := range w.periodic {
		at := now.Truncate(p.every)
		if _, err := Enqueue(ctx, w.DB, p.kind, p.kind+"@"+at.Format(time.RFC3339), at, nil); err != nil {
			errAll = errors.Join(errAll, err)
		}
	}
	return errAll
}

func (w *Worker) batch() int {
	if w.Batch <= 0 {
		return 10
	}
	return w.Batch
}

// RunOnce claims up to Batch due jobs and runs them one by one. It returns
// how many it claimed. A failing job is recorded on its row, not returned.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	js, err := w.claim(ctx)
	if err != nil {
		return 0, err
	}
	for i, j := range js {
		if ctx.Err() != nil {
			w.release(js[i:])
			return len(js), ctx.Err()
		}
		h := w.handlers[j.Kind]
		var runErr error
		if h == nil {
			runErr = fmt.Errorf("no handler for job kind %q", j.Kind)
		} else {
			runErr = safeRun(ctx, h, w.DB, j)
		}
		if ctx.Err() != nil && runErr != nil {
			// Cut short by shutdown, not a failure of the job.
			w.release(js[i:])
			return len(js), ctx.Err()
		}
		if err := w.record(j, runErr); err != nil {
			return len(js), err
		}
	}
	return len(js), nil
}

func safeRun(ctx context.Context, h Handler, db *store.DB, j *Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return h(ctx, db, j)
}

func (w *Worker) lease() time.Duration {
	if w.Lease <= 0 {
		return 10 * time.Minute
	}
	return w.Lease
}

func (w *Worker) claim(ctx context.Context) ([]*Job, error) {
	var js []*Job
	err := w.DB.Tx(ctx, func(tx *store.Tx) error {
		js = nil
		now := w.Clock.Now().UTC()
		lock := ""
		if tx.Dialect() == store.Postgres {
			lock = " FOR UPDATE SKIP LOCKED"
		}
		rows, err := tx.Query(ctx, `UPDATE jobs SET locked_by = ?, locked_until = ?, attempts = attempts + 1
			WHERE id IN (SELECT id FROM jobs
				WHERE done_at IS NULL AND gave_up_at IS NULL AND run_at <= ? AND (locked_until IS NULL OR locked_until <= ?)
				ORDER BY run_at, id LIMIT ?`+lock+`)
			RETURNING id, kind, key, payload, run_at, attempts`,
			w.ID, now.Add(w.lease()), now, now, w.batch())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			j := &Job{worker: w.ID}
			var payload string
			if err := rows.Scan(&j.ID, &j.Kind, &j.Key, &payload, &j.RunAt, &j.Attempts); err != nil {
				return err
			}
			j.Payload = []byte(payload)
			js = append(js, j)
		}
		return rows.Err()
	})
	// UPDATE … RETURNING gives no order; run the oldest first.
	slices.SortFunc(js, func(a, b *Job) int {
		if c := a.RunAt.Compare(b.RunAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return js, err
}

// record marks a job done, or notes the error and schedules the next try,
// or gives up after MaxAttempts. It uses its own context so that the
// outcome is kept even during shutdown.
func (w *Worker) record(j *Job, runErr error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	now := w.Clock.Now().UTC()
	if runErr == nil {
		if err := finish(ctx, w.DB, j, now); err != nil && !errors.Is(err, ErrLost) {
			return err
		}
		return nil
	}
	if errors.Is(runErr, ErrLost) {
		return nil // another worker has it
	}
	msg := runErr.Error()
	if len(msg) > 1000 {
		msg = strings.ToValidUTF8(msg[:1000], "")
	}
	w.Log.Warn("job failed", "job_id", j.ID, "kind", j.Kind, "attempt", j.Attempts, "err", runErr)
	if j.Attempts >= MaxAttempts {
		_, err := w.DB.Exec(ctx, `UPDATE jobs SET gave_up_at = ?, last_error = ?, locked_by = '', locked_until = NULL
			WHERE id = ? AND locked_by = ?`, now, msg, j.ID, w.ID)
		return err
	}
	_, err := w.DB.Exec(ctx, `UPDATE jobs SET run_at = ?, last_error = ?, locked_by = '', locked_until = NULL
		WHERE id = ? AND locked_by = ? AND done_at IS NULL`, now.Add(Backoff(j.Attempts)), msg, j.ID, w.ID)
	return err
}

// release hands claimed jobs back untried; the attempt does not count.
func (w *Worker) release(js []*Job) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, j := range js {
		if _, err := w.DB.Exec(ctx, `UPDATE jobs SET locked_by = '', locked_until = NULL, attempts = attempts - 1
			WHERE id = ? AND locked_by = ? AND done_at IS NULL`, j.ID, w.ID); err != nil {
			w.Log.Error("jobs: release", "job_id", j.ID, "err", err)
		}
	}
}

func (w *Worker) releaseAll() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := w.DB.Exec(ctx, `UPDATE jobs SET locked_by = '', locked_until = NULL, attempts = attempts - 1
		WHERE locked_by = ? AND done_at IS NULL`, w.ID); err != nil {
		w.Log.Error("jobs: release", "err", err)
	}
}
