package meeting

import (
	"context"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/meeting/ics"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Access is what the person asking may see of a pair's meetings. Members
// see everything. A coordinator of the program sees that meetings happened
// (date, length, cancelled or not) and, only when the pair's agreement
// shares its meetings, the details too.
type Access struct {
	Pair    *program.Pair
	Viewer  program.PairViewer
	Terms   agreement.Terms
	Details bool // place, link, reasons and history
}

// Member reports whether the person is on the pair.
func (a *Access) Member() bool { return a.Viewer.Member() }

// Open loads a pair's meetings access for actor: members and the program's
// coordinators; everyone else gets NotFound.
func Open(ctx context.Context, q store.Q, actor *account.User, pairID int64) (*Access, error) {
	all, err := OpenEach(ctx, q, actor, []int64{pairID})
	if err != nil {
		return nil, err
	}
	return all[pairID], nil
}

// OpenEach is Open for several pairs, the start page's, with their terms
// read together (agreement.TermsOf) rather than pair by pair. Each pair
// is checked as Open checks it; the first that actor may not open fails
// the whole read.
func OpenEach(ctx context.Context, q store.Q, actor *account.User, pairIDs []int64) (map[int64]*Access, error) {
	out := make(map[int64]*Access, len(pairIDs))
	for _, id := range pairIDs {
		p, v, err := program.ViewPair(ctx, q, actor, id)
		if err != nil {
			return nil, err
		}
		out[id] = &Access{Pair: p, Viewer: v}
	}
	terms, err := agreement.TermsOf(ctx, q, program.SomePairs(pairIDs))
	if err != nil {
		return nil, err
	}
	for id, a := range out {
		t, ok := terms[id]
		if !ok {
			return nil, errs.E(errs.NotFound, "pair.error.not_found")
		}
		a.Terms = t
		a.Details = a.Viewer.Member() || a.Terms.CoordinatorSees == agreement.ShareMeetings
	}
	return out, nil
}

// Redact keeps only what the person may see of a meeting: without
// details, its date, length and whether it was cancelled.
func (a *Access) Redact(m *Meeting) {
	if !a.Details {
		redact(m)
	}
}

func redact(m *Meeting) {
	m.Place, m.OnlineURL, m.CancelReason, m.LateCancel = "", "", "", false
}

// List gives the pair's meetings, in order of start, as actor may see them,
// and when late is asked for and actor is a member of the pair, who changed
// meetings late and how often (LateChanges), read with them.
func (s *Service) List(ctx context.Context, actor *account.User, pairID int64, late bool) (*Access, []Meeting, []LateCount, error) {
	a, err := Open(ctx, s.DB, actor, pairID)
	if err != nil {
		return nil, nil, nil, err
	}
	var r store.Reads
	all := map[int64][]Meeting{}
	ReadForPairs(&r, program.OnePair(pairID), all)
	var changes []LateCount
	if late && a.Member() {
		ReadLateChanges(&r, pairID, &changes)
	}
	if err := r.Run(ctx, s.DB); err != nil {
		return nil, nil, nil, err
	}
	ms := all[pairID]
	for i := range ms {
		a.Redact(&ms[i])
	}
	return a, ms, changes, nil
}

// Change is one entry in a meeting's history.
type Change struct {
	Kind     string // proposed, countered, accepted, moved, cancelled, pair_ended
	UserID   int64
	Name     string // who did it; "" when the account is gone
	StartsAt time.Time
	Previous *time.Time // the start before a move or counter-proposal
	Reason   string
	Late     bool
	At       time.Time
}

// Detail is one meeting as its page shows it, with what the person asking
// may do with it now.
type Detail struct {
	Access
	Meeting *Meeting
	History []Change // empty unless Details
	// Agenda is where the meeting's agenda and notes stand; zero unless
	// Details.
	Agenda AgendaState
	// LaterBooked is set when the pair has another meeting booked after
	// this one that has not started, so the page need not ask to book the
	// next.
	LaterBooked bool
	// What the person may do now. Only members act on meetings.
	CanAccept, CanCounter, CanMove, CanCancel bool
	// WaitingForOther is set for the proposer while the other side answers.
	WaitingForOther bool
	// LateNow is set when moving or cancelling the meeting now would break
	// the agreed notice and be counted as late.
	LateNow bool
	// Options are the times a proposal offers, its own start first; one
	// for any other meeting.
	Options []time.Time
}

// Get loads one meeting of the pair for actor. Once who asks is known, the
// meeting, its options and its history are read together (one round trip
// on PostgreSQL); the meeting's own statement says whether a later one is
// booked, where its page once read every meeting of the pair for that.
func (s *Service) Get(ctx context.Context, actor *account.User, pairID, meetingID int64) (*Detail, error) {
	a, err := Open(ctx, s.DB, actor, pairID)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	d := &Detail{Access: *a}
	var reads store.Reads
	var agenda AgendaState
	reads.Add(func(rows store.Rows) error {
		if !rows.Next() {
			return errs.E(errs.NotFound, "meeting.error.not_found")
		}
		var number int
		var c agendaCols
		m, err := scanMeeting(rows, append([]any{&number, &d.LaterBooked}, c.dest()...)...)
		if err != nil {
			return err
		}
		m.Number = number
		d.Meeting = m
		agenda, _ = c.state()
		return nil
	}, `SELECT `+meetingCols+`, `+numberExpr+`,
		EXISTS (SELECT 1 FROM meetings o WHERE o.pair_id = m.pair_id AND o.status <> 'cancelled' AND o.id <> m.id
			AND o.starts_at > m.starts_at AND o.starts_at > ?), `+withAgendaState+`
		WHERE m.id = ? AND m.pair_id = ?`, now.UTC(), meetingID, pairID)
	var options []time.Time
	readOptions(&reads, meetingID, &options)
	if a.Details {
		readHistory(&reads, meetingID, &d.History)
	}
	if err := reads.Run(ctx, s.DB); err != nil {
		return nil, err
	}
	m := d.Meeting
	a.Redact(m)
	if a.Details {
		d.Agenda = agenda
	}
	d.Options = []time.Time{m.StartsAt}
	if m.Proposed() {
		d.Options = append(d.Options, options...)
	}
	if a.Member() && a.Pair.Allows(now, program.ActReschedule) && m.StartsAt.After(now) {
		mine := m.ProposedBy != 0 && a.Pair.SideOf(m.ProposedBy) == a.Viewer.Side
		d.CanAccept = m.Proposed() && !mine
		d.WaitingForOther = m.Proposed() && mine
		d.CanCounter = m.Proposed()
		d.CanMove = m.Confirmed()
		d.CanCancel = !m.Cancelled()
		d.LateNow = m.Confirmed() && lateChange(now, m.StartsAt, a.Terms.CancelNoticeHours)
	}
	return d, nil
}

// readHistory queues the read of a meeting's changes. A meeting is
// cancelled at most once, so the cancellation of a meeting called off by
// its pair's ending is the one to show as pair_ended.
func readHistory(r *store.Reads, meetingID int64, out *[]Change) {
	r.Add(func(rows store.Rows) error {
		for rows.Next() {
			var c Change
			if err := rows.Scan(&c.Kind, &c.UserID, &c.Name, &c.StartsAt, &c.Previous, &c.Reason, &c.Late, &c.At); err != nil {
				return err
			}
			*out = append(*out, c)
		}
		return nil
	}, `SELECT CASE WHEN e.kind = 'cancelled' AND m.ended_with_pair = ? THEN 'pair_ended' ELSE e.kind END,
		COALESCE(e.user_id, 0), COALESCE(u.name, ''), e.starts_at, e.previous_starts_at,
		e.reason, e.late, e.created_at FROM meeting_events e JOIN meetings m ON m.id = e.meeting_id
		LEFT JOIN users u ON u.id = e.user_id
		WHERE e.meeting_id = ? ORDER BY e.id`, true, meetingID)
}

// LateCount is how many moves and cancellations one person made inside
// the agreement's notice.
type LateCount struct {
	UserID int64
	Name   string
	Count  int
}

// LateChanges counts the pair's late moves and cancellations per person,
// most first, in one query. It does not check who asks.
func LateChanges(ctx context.Context, q store.Q, pairID int64) ([]LateCount, error) {
	return store.ReadAlone(ctx, q, func(r *store.Reads, out *[]LateCount) { ReadLateChanges(r, pairID, out) })
}

// ReadLateChanges queues the read of LateChanges, which fills in *out.
func ReadLateChanges(r *store.Reads, pairID int64, out *[]LateCount) {
	r.Add(func(rows store.Rows) error {
		for rows.Next() {
			var c LateCount
			if err := rows.Scan(&c.UserID, &c.Name, &c.Count); err != nil {
				return err
			}
			*out = append(*out, c)
		}
		return nil
	}, `SELECT COALESCE(e.user_id, 0), COALESCE(u.name, ''), COUNT(*) FROM meeting_events e
		LEFT JOIN users u ON u.id = e.user_id WHERE e.pair_id = ? AND e.late = ?
		GROUP BY e.user_id, u.name ORDER BY COUNT(*) DESC, u.name`, pairID, true)
}

// ICS is a meeting's calendar file for one of the pair's members, in their
// language; link is the meeting's page. Coordinators get Forbidden: the
// file carries the place and the link.
func (s *Service) ICS(ctx context.Context, actor *account.User, pairID, meetingID int64, l *i18n.Locale, link string) ([]byte, *Meeting, error) {
	p, _, err := program.RequirePairMember(ctx, s.DB, actor, pairID)
	if err != nil {
		return nil, nil, err
	}
	m, err := InPair(ctx, s.DB, pairID, meetingID)
	if err != nil {
		return nil, nil, err
	}
	return ics.Calendar("", []ics.CalendarEvent{EventFor(m, l, p.OtherNames(actor.ID), link)}), m, nil
}

// NextByProgram gives, for each pair of the program that has one, its next
// meeting still ahead (confirmed or proposed): what the coordinator's pair
// list shows, so that pairs with no next meeting booked stand out. One
// query. It does not check who asks and returns only dates and lengths.
func NextByProgram(ctx context.Context, q store.Q, programID int64, now time.Time) (map[int64]*Meeting, error) {
	rows, err := q.Query(ctx, `SELECT `+meetingCols+` FROM meetings m JOIN pairs p ON p.id = m.pair_id
		WHERE p.program_id = ? AND m.status <> 'cancelled' AND m.starts_at > ?
		ORDER BY m.pair_id, m.starts_at, m.id`, programID, now.UTC())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]*Meeting{}
	for rows.Next() {
		m, err := scanMeeting(rows)
		if err != nil {
			return nil, err
		}
		if _, seen := out[m.PairID]; !seen {
			redact(m)
			out[m.PairID] = m
		}
	}
	return out, rows.Err()
}
