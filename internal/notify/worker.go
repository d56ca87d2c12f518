package notify

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"mentorskap/internal/brand"
	"mentorskap/internal/clock"
	"mentorskap/internal/store"
)

// Backoff limits for failed deliveries: 1m, 2m, 4m … never more than 6h.
const (
	firstRetry = time.Minute
	maxRetry   = 6 * time.Hour
)

// Backoff is how long to wait after the given number of failed attempts.
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

// Worker drains the outbox. Any number of workers, in any number of
// instances, may run against one database: a row is claimed by setting
// locked_until in a transaction (FOR UPDATE SKIP LOCKED on PostgreSQL; the
// write transaction is exclusive on SQLite), sent outside it, then marked.
// A row whose claim ran out because its instance died is claimed again.
// Rows are never deleted: the outbox is also the record the administrator
// reads.
type Worker struct {
	DB     *store.DB
	Sender Sender
	Clock  clock.Clock
	Log    *slog.Logger
	Poll   time.Duration // how often to look for due emails; default 30s
	Batch  int           // emails claimed per round; default 20
	Lease  time.Duration // how long a claim holds; default 10m, far above the SMTP timeout

	wake chan struct{}
}

// NewWorker builds a worker with the default settings.
func NewWorker(db *store.DB, sender Sender, clk clock.Clock, log *slog.Logger) *Worker {
	return &Worker{DB: db, Sender: sender, Clock: clk, Log: log,
		Poll: 30 * time.Second, Batch: 20, Lease: 10 * time.Minute, wake: make(chan struct{}, 1)}
}

// Wake asks the worker to look at the outbox now rather than at the next
// poll. It never blocks.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers emails until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	poll := w.Poll
	if poll <= 0 {
		poll = 30 * time.Second
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	// After a wake-up, look once more a moment later: Wake is called inside
	// the transaction that queues the email, which on PostgreSQL may not have
	// committed when the first look happens.
	var again <-chan time.Time
	for {
		w.drain(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-again:
			again = nil
		case <-w.wake:
			again = time.After(time.Second)
		}
	}
}

// drain runs rounds until the outbox has no more due emails.
func (w *Worker) drain(ctx context.Context) {
	for ctx.Err() == nil {
		n, err := w.RunOnce(ctx)
		if err != nil {
			if ctx.Err() == nil {
				w.Log.Error("outbox", "err", err)
			}
			return
		}
		if n < w.batch() {
			return
		}
	}
}

func (w *Worker) batch() int {
	if w.Batch <= 0 {
		return 20
	}
	return w.Batch
}

// RunOnce claims up to Batch due emails, tries to deliver each and records
// the outcome. It returns how many it claimed; a delivery failure is
// recorded on the row, not returned.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	msgs, attempts, err := w.claim(ctx)
	if err != nil {
		return 0, err
	}
	if len(msgs) > 0 {
		// The brand as it is when the email goes out, read once a round:
		// an email queued before the administrator set a logo still
		// carries it.
		b, err := brand.WithLogo(ctx, w.DB)
		if err != nil {
			w.release(msgs)
			return 0, err
		}
		for i := range msgs {
			msgs[i].Brand = b
		}
	}
	for i, m := range msgs {
		if ctx.Err() != nil {
			// Shutting down: hand the rest back instead of leaving them
			// locked until the lease runs out.
			w.release(msgs[i:])
			return len(msgs), ctx.Err()
		}
		sendErr := w.Sender.Send(ctx, m)
		if err := w.record(m.ID, attempts[i]+1, sendErr); err != nil {
			return len(msgs), err
		}
		if sendErr != nil {
			w.Log.Warn("email not delivered", "outbox_id", m.ID, "to", m.To.Email, "attempt", attempts[i]+1, "err", sendErr)
		}
	}
	return len(msgs), nil
}

func (w *Worker) claim(ctx context.Context) ([]Message, []int, error) {
	lease := w.Lease
	if lease <= 0 {
		lease = 10 * time.Minute
	}
	var msgs []Message
	var attempts []int
	err := w.DB.Tx(ctx, func(tx *store.Tx) error {
		msgs, attempts = nil, nil
		now := w.Clock.Now()
		lock := ""
		if tx.Dialect() == store.Postgres {
			lock = " FOR UPDATE SKIP LOCKED"
		}
		rows, err := tx.Query(ctx, `UPDATE outbox SET locked_until = ?
			WHERE id IN (SELECT id FROM outbox
				WHERE sent_at IS NULL AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until <= ?)
				ORDER BY next_attempt_at, id LIMIT ?`+lock+`)
			RETURNING id, to_email, to_name, language, subject, body, created_at, attempts, action_url, action_label`,
			now.Add(lease), now, now, w.batch())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m Message
			var n int
			if err := rows.Scan(&m.ID, &m.To.Email, &m.To.Name, &m.To.Lang, &m.Subject, &m.Body, &m.CreatedAt, &n,
				&m.Action.URL, &m.Action.Label); err != nil {
				return err
			}
			msgs = append(msgs, m)
			attempts = append(attempts, n)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		return loadAttachments(ctx, tx, msgs)
	})
	return msgs, attempts, err
}

// record marks a row sent, or notes the error and schedules the next try.
// It uses its own context so that an outcome is kept even during shutdown.
func (w *Worker) record(id int64, attempts int, sendErr error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	now := w.Clock.Now()
	if sendErr == nil {
		_, err := w.DB.Exec(ctx, `UPDATE outbox SET sent_at = ?, attempts = ?, locked_until = NULL, last_error = ''
			WHERE id = ?`, now, attempts, id)
		return err
	}
	msg := sendErr.Error()
	if len(msg) > 1000 {
		msg = strings.ToValidUTF8(msg[:1000], "")
	}
	_, err := w.DB.Exec(ctx, `UPDATE outbox SET attempts = ?, last_error = ?, next_attempt_at = ?, locked_until = NULL
		WHERE id = ?`, attempts, msg, now.Add(Backoff(attempts)), id)
	return err
}

func (w *Worker) release(msgs []Message) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, m := range msgs {
		if _, err := w.DB.Exec(ctx, `UPDATE outbox SET locked_until = NULL WHERE id = ?`, m.ID); err != nil {
			w.Log.Error("outbox release", "outbox_id", m.ID, "err", err)
		}
	}
}
