package meeting

import (
	"context"
	"database/sql"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Meeting statuses. A meeting starts as a proposal from one side; the other
// side confirms it or proposes another time. Moving a confirmed meeting makes
// it a proposal again, because the new time needs the other side's yes.
const (
	StatusProposed  = "proposed"
	StatusConfirmed = "confirmed"
	StatusCancelled = "cancelled"
)

// Meeting is one planned or held meeting of a pair. Times are UTC; Timezone
// is the zone the proposer wrote the time in, kept for the calendar file.
type Meeting struct {
	ID, PairID int64
	UID        string // stable iCalendar UID
	// Number counts the pair's meetings that are not cancelled, in order of
	// start: meeting 1, 2, … (the meeting plan suggests theme N for meeting
	// N). A cancelled meeting has number 0.
	Number       int
	Status       string
	StartsAt     time.Time
	Timezone     string
	Minutes      int
	Place        string
	OnlineURL    string
	ProposedBy   int64 // 0 when that account is gone
	Sequence     int   // iCalendar SEQUENCE, raised on every change
	CancelReason string
	CancelledBy  int64
	CancelledAt  *time.Time
	LateCancel   bool
	// EndedWithPair marks a meeting called off because its pair ended
	// (program.Close): nobody cancelled it and it has no reason.
	EndedWithPair bool
	// Purpose is "" for an ordinary meeting, PurposeReview for the meeting
	// where the pair goes through its agreement a month in.
	Purpose   string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// PurposeReview marks the agreement review meeting: the seeds ask a pair
// to meet a month after signing to see whether the agreement works for
// both, and to change it if not.
const PurposeReview = "agreement_review"

// Review reports whether the meeting is the pair's agreement review.
func (m *Meeting) Review() bool { return m.Purpose == PurposeReview }

// ReviewOf finds the pair's agreement review meeting among its meetings:
// the latest one not cancelled, or nil when none is booked.
func ReviewOf(ms []Meeting) *Meeting {
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Review() && !ms[i].Cancelled() {
			return &ms[i]
		}
	}
	return nil
}

// EndsAt is when the meeting is planned to end.
func (m *Meeting) EndsAt() time.Time { return m.StartsAt.Add(time.Duration(m.Minutes) * time.Minute) }

// Cancelled reports whether the meeting was called off.
func (m *Meeting) Cancelled() bool { return m.Status == StatusCancelled }

// Confirmed reports whether both sides agreed to the time.
func (m *Meeting) Confirmed() bool { return m.Status == StatusConfirmed }

// Proposed reports whether the meeting waits for the other side's answer.
func (m *Meeting) Proposed() bool { return m.Status == StatusProposed }

// Upcoming reports whether the meeting is still ahead and not cancelled.
func (m *Meeting) Upcoming(now time.Time) bool {
	return !m.Cancelled() && m.StartsAt.After(now)
}

// Held reports whether a confirmed meeting has started: the pair met.
func (m *Meeting) Held(now time.Time) bool {
	return m.Confirmed() && !m.StartsAt.After(now)
}

// State is how a meeting stands at now, for display: proposed, confirmed,
// cancelled, held (confirmed and started) or unanswered (a proposal whose
// time passed without a yes).
func (m *Meeting) State(now time.Time) string {
	switch {
	case m.Cancelled():
		return StatusCancelled
	case m.StartsAt.After(now):
		return m.Status
	case m.Confirmed():
		return "held"
	}
	return "unanswered"
}

const meetingCols = `m.id, m.pair_id, m.uid, m.status, m.starts_at, m.timezone, m.minutes, m.place, m.online_url,
	COALESCE(m.proposed_by, 0), m.sequence, m.cancel_reason, COALESCE(m.cancelled_by, 0), m.cancelled_at,
	m.late_cancel, m.ended_with_pair, m.purpose, m.created_at, m.updated_at`

func scanMeeting(row interface{ Scan(...any) error }, extra ...any) (*Meeting, error) {
	var m Meeting
	dest := append([]any{&m.ID, &m.PairID, &m.UID, &m.Status, &m.StartsAt, &m.Timezone, &m.Minutes,
		&m.Place, &m.OnlineURL, &m.ProposedBy, &m.Sequence, &m.CancelReason, &m.CancelledBy, &m.CancelledAt,
		&m.LateCancel, &m.EndedWithPair, &m.Purpose, &m.CreatedAt, &m.UpdatedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	m.StartsAt = m.StartsAt.UTC()
	return &m, nil
}

// numberExpr numbers a meeting among its pair's meetings that are not
// cancelled, ordered by start then id, the same order ForPair counts in.
// The row comparison is a range of the index meetings_pair_booked, so the
// count reads only the meetings before this one.
const numberExpr = `CASE WHEN m.status = 'cancelled' THEN 0 ELSE (SELECT COUNT(*) FROM meetings o
	WHERE o.pair_id = m.pair_id AND o.status <> 'cancelled'
	AND (o.starts_at, o.id) <= (m.starts_at, m.id)) END`

const getMeeting = `SELECT ` + meetingCols + `, ` + numberExpr + ` FROM meetings m WHERE m.id = ?`

// Get loads one meeting with its number. It does not check who asks: pages
// go through the Service, which does.
func Get(ctx context.Context, q store.Q, id int64) (*Meeting, error) {
	if m, ok := kept(ctx, q, id); ok {
		if m == nil {
			return nil, store.NotFound(sql.ErrNoRows, "meeting.error.not_found")
		}
		return m, nil
	}
	var n int
	m, err := scanMeeting(q.QueryRow(ctx, getMeeting, id), &n)
	if err != nil {
		return nil, store.NotFound(err, "meeting.error.not_found")
	}
	m.Number = n
	return m, nil
}

// InPair loads a meeting and checks that it belongs to the pair, so that a
// path /pairs/{id}/meetings/{mid} can never reach another pair's meeting.
// It does not check who asks.
func InPair(ctx context.Context, q store.Q, pairID, id int64) (*Meeting, error) {
	m, err := Get(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if m.PairID != pairID {
		return nil, errs.E(errs.NotFound, "meeting.error.not_found")
	}
	return m, nil
}

// ForPair lists all of a pair's meetings, cancelled ones included, in order
// of start, numbered. One query, however long the pair's history.
func ForPair(ctx context.Context, q store.Q, pairID int64) ([]Meeting, error) {
	all, err := ForPairs(ctx, q, program.OnePair(pairID))
	return all[pairID], err
}

// ForPairs lists the meetings of every pair of the set by pair, each list as
// ForPair has it. One query, however many pairs.
func ForPairs(ctx context.Context, q store.Q, set program.PairSet) (map[int64][]Meeting, error) {
	out := map[int64][]Meeting{}
	var r store.Reads
	ReadForPairs(&r, set, out)
	return out, r.Run(ctx, q)
}

// ReadForPairs queues the read of ForPairs, which fills in out.
func ReadForPairs(r *store.Reads, set program.PairSet, out map[int64][]Meeting) {
	cond, args := set.Cond("m.pair_id")
	r.Add(func(rows store.Rows) error {
		for rows.Next() {
			m, err := scanMeeting(rows)
			if err != nil {
				return err
			}
			out[m.PairID] = appendNumbered(out[m.PairID], m)
		}
		return nil
	}, `SELECT `+meetingCols+` FROM meetings m WHERE `+cond+` ORDER BY m.pair_id, m.starts_at, m.id`, args...)
}
