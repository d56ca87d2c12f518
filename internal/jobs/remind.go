package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"mentorskap/internal/agreement"
	"mentorskap/internal/errs"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/i18n"
	"mentorskap/internal/meeting"
	"mentorskap/internal/notify"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Reminder kinds a person can turn off, in the order the settings page
// shows them. KindDigest is the coordinator's weekly digest.
const (
	KindMeeting    = "meeting_tomorrow"
	KindAgenda     = "agenda"
	KindBookNext   = "book_next"
	KindEvaluation = "evaluation"
	KindUnsigned   = "unsigned"
	KindGap        = "gap"
	KindDigest     = "digest"
)

// Kinds lists every reminder kind.
var Kinds = []string{KindMeeting, KindAgenda, KindBookNext, KindEvaluation, KindUnsigned, KindGap, KindDigest}

// Job kinds.
const (
	JobScan   = "reminders.scan"   // periodic: find what is due, queue one send per reminder
	JobSend   = "reminders.send"   // one email to one person
	JobDigest = "reminders.digest" // periodic: queue one digest per coordinator and program
	JobClose  = "pairs.close"      // periodic: close pairs past their planned end
)

// When reminders fall due. The gap warning comes this long before the
// program's (or agreement's) longest gap between meetings runs out.
const (
	MeetingAhead    = 24 * time.Hour
	AgendaAhead     = 48 * time.Hour
	BookAfter       = 7 * 24 * time.Hour
	EvaluationAhead = 3 * 24 * time.Hour
	UnsignedAfter   = 14 * 24 * time.Hour
	GapWarning      = 3 * 24 * time.Hour
	ScanEvery       = 15 * time.Minute
	DigestEvery     = 7 * 24 * time.Hour
	CloseEvery      = time.Hour
)

// Reminders finds and sends reminders. Register it on a worker.
type Reminders struct {
	Outbox *notify.Outbox
}

// Register adds the reminder, digest and closing jobs to w. closer is the
// agreement service that closes pairs at their planned end; nil leaves
// closing out.
func (r *Reminders) Register(w *Worker, closer *agreement.Service) {
	w.Handle(JobScan, r.scan(w))
	w.Handle(JobSend, r.send(w))
	w.Handle(JobDigest, r.digest(w))
	w.Handle(JobCheckpointOpened, emitCheckpointOpened(w))
	w.Every(JobScan, ScanEvery)
	w.Every(JobDigest, DigestEvery)
	if closer != nil {
		w.Handle(JobClose, func(ctx context.Context, _ *store.DB, _ *Job) error {
			n, err := closer.CloseDue(ctx)
			if n > 0 {
				w.Log.Info("closed pairs at their planned end", "count", n)
			}
			return err
		})
		w.Every(JobClose, CloseEvery)
	}
}

// reminder is the payload of a send job: enough to write the email in the
// recipient's language when it is sent.
type reminder struct {
	Kind      string    `json:"kind"`
	UserID    int64     `json:"user_id"`
	PairID    int64     `json:"pair_id,omitempty"`
	ProgramID int64     `json:"program_id"`
	MeetingID int64     `json:"meeting_id,omitempty"`
	At        time.Time `json:"at"`                // the meeting's start, a deadline, a due date
	TZ        string    `json:"tz,omitempty"`      // the meeting's time zone
	Check     string    `json:"check,omitempty"`   // evaluation kind
	Overdue   bool      `json:"overdue,omitempty"` // evaluation past due
	Expires   time.Time `json:"expires,omitzero"`  // not sent after this
}

func (m reminder) key() string {
	object := "pair-" + strconv.FormatInt(m.PairID, 10)
	switch {
	case m.MeetingID != 0:
		object = "meeting-" + strconv.FormatInt(m.MeetingID, 10)
	case m.Kind == KindDigest:
		object = "program-" + strconv.FormatInt(m.ProgramID, 10)
	}
	kind := m.Kind
	if m.Check != "" {
		kind += "-" + m.Check
		if m.Overdue {
			kind += "-overdue"
		}
	}
	return fmt.Sprintf("remind:%s:%d:%s:%s", kind, m.UserID, object, m.At.UTC().Format(time.DateOnly))
}

// optOuts reads, in one query, which kinds each person turned off, so
// that a scan over every pair does not ask once per person.
func optOuts(ctx context.Context, q store.Q) (map[int64]map[string]bool, error) {
	rows, err := q.Query(ctx, `SELECT user_id, kind FROM reminder_optouts`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]map[string]bool{}
	for rows.Next() {
		var id int64
		var kind string
		if err := rows.Scan(&id, &kind); err != nil {
			return nil, err
		}
		if out[id] == nil {
			out[id] = map[string]bool{}
		}
		out[id][kind] = true
	}
	return out, rows.Err()
}

// facts is what the reminders need to know about one active pair at one
// moment.
type facts struct {
	pair     *program.Pair
	terms    agreement.Terms
	meetings []meeting.Meeting
	upcoming bool             // a meeting not cancelled still lies ahead
	last     *meeting.Meeting // the latest confirmed meeting that has started
	status   *agreement.Status
	agendas  map[int64]meeting.AgendaState // of the meetings in the next AgendaAhead
	dues     map[int64]evaluation.Checks   // check points each member has not answered
}

func newFacts(st agreement.Standing, ms []meeting.Meeting, agendas map[int64]meeting.AgendaState,
	dues map[int64]evaluation.Checks, now time.Time) *facts {
	f := &facts{pair: st.Pair, terms: st.Terms, status: st.Status, meetings: ms, agendas: agendas, dues: dues}
	for i := range f.meetings {
		m := &f.meetings[i]
		switch {
		case m.Status == "cancelled":
		case m.StartsAt.After(now):
			f.upcoming = true
		case m.Status == "confirmed" && (f.last == nil || m.StartsAt.After(f.last.StartsAt)):
			f.last = m
		}
	}
	return f
}

// gapDeadline is when the pair has gone the longest allowed time without a
// meeting, counted from its last meeting or, before the first, from when
// it was formed. ok is false when no limit applies.
func (f *facts) gapDeadline() (time.Time, bool) {
	if f.terms.MaxGapDays <= 0 || f.upcoming {
		return time.Time{}, false
	}
	base := f.pair.CreatedAt
	if f.last != nil {
		base = f.last.StartsAt
	}
	return base.AddDate(0, 0, f.terms.MaxGapDays), true
}

func members(p *program.Pair) []program.PairMember {
	return append(append([]program.PairMember(nil), p.Mentors...), p.Mentees...)
}

// due lists the reminders this pair has due at now, for everyone.
func (f *facts) due(now time.Time) []reminder {
	var out []reminder
	p := f.pair
	everyone := members(p)
	base := reminder{PairID: p.ID, ProgramID: p.ProgramID}
	for _, m := range f.meetings {
		if m.Status != "confirmed" || !m.StartsAt.After(now) {
			continue
		}
		r := base
		r.MeetingID, r.At, r.TZ, r.Expires = m.ID, m.StartsAt, m.Timezone, m.StartsAt
		if !m.StartsAt.After(now.Add(MeetingAhead)) {
			for _, u := range everyone {
				r.Kind, r.UserID = KindMeeting, u.UserID
				out = append(out, r)
			}
		}
		if !m.StartsAt.After(now.Add(AgendaAhead)) && !f.agendas[m.ID].Prepared() {
			for _, u := range p.Mentees {
				r.Kind, r.UserID = KindAgenda, u.UserID
				out = append(out, r)
			}
		}
	}
	if !f.upcoming && f.last != nil && !now.Before(f.last.StartsAt.Add(BookAfter)) {
		for _, u := range everyone {
			r := base
			r.Kind, r.UserID, r.At = KindBookNext, u.UserID, f.last.StartsAt.Add(BookAfter)
			out = append(out, r)
		}
	}
	if end, ok := f.gapDeadline(); ok && !now.Before(end.Add(-GapWarning)) && now.Before(end) {
		for _, u := range everyone {
			r := base
			r.Kind, r.UserID, r.At, r.Expires = KindGap, u.UserID, end, end
			out = append(out, r)
		}
	}
	if f.status.InForce == nil && !now.Before(p.CreatedAt.Add(UnsignedAfter)) {
		signed := map[int64]bool{}
		if f.status.Current != nil {
			for _, s := range f.status.Current.Signatures {
				signed[s.UserID] = true
			}
		}
		for _, u := range everyone {
			if !signed[u.UserID] {
				r := base
				r.Kind, r.UserID, r.At = KindUnsigned, u.UserID, p.CreatedAt.Add(UnsignedAfter)
				out = append(out, r)
			}
		}
	}
	// Only what is open can be answered, so only that is reminded of: a
	// check point still to come is never nagged about, whatever its date.
	for _, u := range everyone {
		for _, d := range f.dues[u.UserID].Waiting {
			if now.Before(d.DueAt.Add(-EvaluationAhead)) {
				continue
			}
			r := base
			r.Kind, r.UserID, r.At, r.Check, r.Overdue = KindEvaluation, u.UserID, d.DueAt, d.Kind, d.Overdue
			out = append(out, r)
		}
	}
	return out
}

// Scan queues one send job per reminder due at now that its recipient has
// not turned off. The keys make a second scan, on this or another
// instance, queue nothing new. It returns how many it queued.
//
// It reads everything about every active pair in a fixed handful of
// queries rather than a few per pair, and skips the reminders already
// queued before writing, so that a scan of thousands of pairs is short and
// the steady state, where nearly every reminder was queued by an earlier
// scan, writes nothing. The reads are not one snapshot: a pair that
// changes between them may get a reminder that its state a moment later
// would not call for, as it could when the scan read one pair at a time;
// sending checks again that the pair still runs and the kind is on.
func Scan(ctx context.Context, db *store.DB, now time.Time) (int, error) {
	rs, err := dueAll(ctx, db, now)
	if err != nil {
		return 0, err
	}
	keys := make([]string, len(rs))
	for i, r := range rs {
		keys[i] = r.key()
	}
	queued, err := queuedKeys(ctx, db, keys)
	if err != nil {
		return 0, err
	}
	n := 0
	for i, r := range rs {
		if queued[keys[i]] {
			continue
		}
		// Another instance may queue the same key meanwhile: the key's
		// uniqueness, not the read above, keeps the reminder single.
		added, err := Enqueue(ctx, db, JobSend, keys[i], now, r)
		if err != nil {
			return n, err
		}
		if added {
			n++
		}
	}
	// The same sweep notices the check point windows that opened, for
	// the webhooks; they are not reminders and are not counted.
	return n, queueCheckpointOpened(ctx, db, now)
}

// dueAll lists the reminders due at now for every active pair, in pair
// order, leaving out the kinds their recipients turned off.
func dueAll(ctx context.Context, q store.Q, now time.Time) ([]reminder, error) {
	off, err := optOuts(ctx, q)
	if err != nil {
		return nil, err
	}
	set := program.ActivePairs()
	standing, err := agreement.StandingOf(ctx, q, set)
	if err != nil {
		return nil, err
	}
	meetings, err := meeting.ForPairs(ctx, q, set)
	if err != nil {
		return nil, err
	}
	agendas, err := meeting.AgendaStatusIn(ctx, q, set, now, now.Add(AgendaAhead))
	if err != nil {
		return nil, err
	}
	dues, err := evaluation.DueIn(ctx, q, set, now)
	if err != nil {
		return nil, err
	}
	// In pair order, as the scan has always queued them.
	ids := slices.Sorted(maps.Keys(standing))
	var out []reminder
	for _, id := range ids {
		st := standing[id]
		if !st.Pair.Active() {
			continue
		}
		for _, r := range newFacts(st, meetings[id], agendas, dues[id], now).due(now) {
			if !off[r.UserID][r.Kind] {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// queuedKeys reports which of keys are taken by a job already, in one
// query however many: they travel as one JSON array, which both
// databases can unnest, rather than as thousands of parameters.
func queuedKeys(ctx context.Context, q store.Q, keys []string) (map[string]bool, error) {
	out := make(map[string]bool, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	list, err := json.Marshal(keys)
	if err != nil {
		return nil, err
	}
	query := `SELECT key FROM jobs WHERE key IN (SELECT value FROM json_each(?))`
	if q.Dialect() == store.Postgres {
		query = `SELECT key FROM jobs WHERE key IN (SELECT json_array_elements_text(?::json))`
	}
	rows, err := q.Query(ctx, query, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out[k] = true
	}
	return out, rows.Err()
}

func (r *Reminders) scan(w *Worker) Handler {
	return func(ctx context.Context, db *store.DB, _ *Job) error {
		_, err := Scan(ctx, db, w.Clock.Now().UTC())
		return err
	}
}

// send writes one reminder, in the same transaction that marks its job
// done, so that it is sent once even if two workers ever held the job.
func (r *Reminders) send(w *Worker) Handler {
	return func(ctx context.Context, db *store.DB, j *Job) error {
		var m reminder
		if err := j.Decode(&m); err != nil {
			return err
		}
		return db.Tx(ctx, func(tx *store.Tx) error {
			now := w.Clock.Now().UTC()
			if err := Finish(ctx, tx, j, now); err != nil {
				return err
			}
			if !m.Expires.IsZero() && now.After(m.Expires) {
				return nil // too late to be useful
			}
			on, err := Enabled(ctx, tx, m.UserID)
			if err != nil || !on[m.Kind] {
				return err
			}
			return r.write(ctx, tx, now, m)
		})
	}
}

func (r *Reminders) write(ctx context.Context, tx *store.Tx, now time.Time, m reminder) error {
	var email, name, lang string
	err := tx.QueryRow(ctx, `SELECT email, name, language FROM users WHERE id = ?`, m.UserID).Scan(&email, &name, &lang)
	if err != nil {
		return store.NotFound(err, "error.not_found")
	}
	prog, err := program.Get(ctx, tx, m.ProgramID)
	if err != nil {
		return err
	}
	to := program.Recipient(email, name, lang, prog)
	l := r.Outbox.Bundle.Locale(to.Lang)
	if m.Kind == KindDigest {
		return r.writeDigest(ctx, tx, now, to, prog, m)
	}
	p, err := program.GetPair(ctx, tx, m.PairID)
	if err != nil {
		return err
	}
	if p.StageAt(now).Closed() {
		return nil // the ending called its meetings off too
	}
	if m.MeetingID != 0 {
		// Queued while the meeting was confirmed; it may have been
		// cancelled, or become a proposal again, since.
		mt, err := meeting.Get(ctx, tx, m.MeetingID)
		if errs.KindOf(err) == errs.NotFound || (err == nil && !mt.Confirmed()) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	args := []any{"name", to.Name, "program", prog.Name, "others", p.OtherNames(m.UserID)}
	pairPath := meeting.PairPath(p.ID)
	kind := "reminder_" + m.Kind
	switch m.Kind {
	case KindMeeting:
		args = append(args, "when", meeting.When(l, m.At, m.TZ), "link", r.Outbox.Link(meeting.MeetingPath(p.ID, m.MeetingID)))
	case KindAgenda:
		args = append(args, "when", meeting.When(l, m.At, m.TZ), "link", r.Outbox.Link(meeting.MeetingPath(p.ID, m.MeetingID)+"/agenda"))
	case KindBookNext:
		// The reminder may go out long after BookAfter (a pair that stops
		// meeting), so it names the day they last met, not "a week ago".
		args = append(args, "date", l.WeekdayDate(i18n.In(m.At.Add(-BookAfter), m.TZ)), "link", r.Outbox.Link(pairPath+"/meetings/new"))
	case KindGap:
		args = append(args, "date", l.Date(m.At), "link", r.Outbox.Link(pairPath+"/meetings/new"))
	case KindUnsigned:
		args = append(args, "link", r.Outbox.Link(pairPath+"/agreement"))
	case KindEvaluation:
		kind = "reminder_evaluation_due"
		if m.Overdue {
			kind = "reminder_evaluation_overdue"
		}
		d := evaluation.Due{PairID: p.ID, Kind: m.Check}
		args = append(args, "check", l.T("evaluation.kind."+m.Check), "date", l.Date(m.At), "link", r.Outbox.Link(d.Path()))
	default:
		return fmt.Errorf("unknown reminder kind %q", m.Kind)
	}
	args = append(args, "settings", r.Outbox.Link(SettingsPath))
	return r.Outbox.Send(ctx, tx, now, to, kind, args...)
}

// SettingsPath is where a person turns reminders off.
const SettingsPath = "/profile/reminders"
