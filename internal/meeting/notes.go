package meeting

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/errs"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Limits on notes. A field holds what was said about one step of the
// checklist; ten thousand characters is pages of text, and a bound keeps a
// runaway paste from reaching the database.
const (
	MaxNoteText   = 10000
	MaxTimeMinute = 24 * 60
)

// docAccess is what one person may do with one meeting's documents.
type docAccess struct {
	Pair    *program.Pair
	Viewer  program.PairViewer
	Meeting *Meeting // nil when the use is about the pair, not one meeting
	Now     time.Time
}

// CanWrite reports whether the viewer may change the pair's documents of
// this meeting: a member of a running pair, for a meeting that happens.
func (a *docAccess) CanWrite() bool {
	return a.Viewer.Member() && a.Pair.Allows(a.Now, program.ActNotes) && (a.Meeting == nil || !a.Meeting.Cancelled())
}

// openDocs decides whether actor may read a meeting's agenda, shared notes
// and action items: the pair's own members always; the program's
// coordinators only when the pair's agreement shares its meetings with them;
// everyone else is refused by program.ViewPair (NotFound).
func openDocs(ctx context.Context, q store.Q, now time.Time, actor *account.User, pairID, meetingID int64) (*docAccess, error) {
	var p *program.Pair
	var v program.PairViewer
	var m *Meeting
	var err error
	_, tx := q.(*store.Tx)
	together := tx && meetingID != 0
	if together {
		// A save reads the pair and the meeting together; the meeting
		// holds no words of the pair's, and is used only once who asks
		// may see the pair. A page view has both from its read memos.
		p, v, err = program.ViewPairWith(ctx, q, actor, pairID, func(r *store.Reads) {
			readMeeting(r, meetingID, func(found *Meeting) { m = found })
		})
	} else {
		p, v, err = program.ViewPair(ctx, q, actor, pairID)
	}
	if err != nil {
		return nil, err
	}
	if !v.Member() {
		if err := coordinatorMaySee(ctx, q, pairID); err != nil {
			return nil, err
		}
	}
	a := &docAccess{Pair: p, Viewer: v, Now: now}
	switch {
	case together:
		if m == nil || m.PairID != pairID {
			return nil, errs.E(errs.NotFound, "meeting.error.not_found")
		}
		a.Meeting = m
	case meetingID != 0:
		if a.Meeting, err = InPair(ctx, q, pairID, meetingID); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// coordinatorMaySee is the confidentiality rule: a coordinator sees what a
// pair says only when its agreement shares the meetings.
func coordinatorMaySee(ctx context.Context, q store.Q, pairID int64) error {
	t, err := agreement.TermsFor(ctx, q, pairID)
	if err != nil {
		return err
	}
	if t.CoordinatorSees != agreement.ShareMeetings {
		return errs.E(errs.Forbidden, "notes.error.confidential")
	}
	return nil
}

// openForWriting is openDocs for a change: only a member of a running pair,
// and only for a meeting that was not cancelled.
func openForWriting(ctx context.Context, q store.Q, now time.Time, actor *account.User, pairID, meetingID int64) (*docAccess, error) {
	a, err := openDocs(ctx, q, now, actor, pairID, meetingID)
	if err != nil {
		return nil, err
	}
	if err := a.writable(); err != nil {
		return nil, err
	}
	return a, nil
}

func (a *docAccess) writable() error {
	switch {
	case !a.Viewer.Member():
		return errs.E(errs.Forbidden, "pair.error.members_only")
	case !a.Pair.Allows(a.Now, program.ActNotes):
		return errs.E(errs.Forbidden, "notes.error.pair_ended")
	case a.Meeting != nil && a.Meeting.Cancelled():
		return errs.E(errs.Invalid, "notes.error.cancelled")
	}
	return nil
}

// Notes are the pair's shared notes of one meeting, one field per step of
// the meeting checklist.
type Notes struct {
	SinceLast   string // what happened since last time
	Today       string // what to talk about today
	TimeMinutes int    // how much time there is today; 0 when not said
	Theme       string // today's theme
	NextSteps   string // what is needed to move on
	Reflection  string // looking back on the previous meeting
	Remember    string // things to remember for next time
}

// Empty reports whether nothing has been written.
func (n Notes) Empty() bool { return n == Notes{} }

func (n Notes) clean() (Notes, error) {
	var v errs.Validation
	trim := func(field string, s *string) {
		*s = strings.TrimSpace(strings.ToValidUTF8(*s, "\uFFFD"))
		v.Check(utf8.RuneCountInString(*s) <= MaxNoteText, field, "error.too_long", "max", MaxNoteText)
	}
	trim("since_last", &n.SinceLast)
	trim("today", &n.Today)
	trim("theme", &n.Theme)
	trim("next_steps", &n.NextSteps)
	trim("reflection", &n.Reflection)
	trim("remember", &n.Remember)
	v.Check(n.TimeMinutes >= 0 && n.TimeMinutes <= MaxTimeMinute, "time_minutes", "notes.error.time_range", "max", MaxTimeMinute)
	return n, v.Err()
}

// MeetingNotes is everything the notes page of one meeting shows to one
// person.
type MeetingNotes struct {
	Pair      *program.Pair
	Viewer    program.PairViewer
	Meeting   *Meeting
	CanWrite  bool
	Notes     Notes
	Version   int // 0 until the first save
	UpdatedAt *time.Time
	UpdatedBy string
	// Private is the viewer's own note; nil for coordinators, who never
	// see private notes.
	Private *PrivateNote
	Agenda  []AgendaItem
	// Agreed are the action items agreed at this meeting; Review the open
	// items from earlier meetings, to be reviewed at this one.
	Agreed, Review []ActionItem
	Theme          *PlanItem // the plan's suggestion for this meeting
	Goals          []GoalRef // the pair's goals, for linking action items
}

// PrivateNote is one person's own note of a meeting.
type PrivateNote struct {
	Body      string
	Version   int // 0 until the first save
	UpdatedAt *time.Time
}

// GoalRef names one of the pair's goals.
type GoalRef struct {
	ID    int64
	Title string
}

// MeetingNotes loads a meeting's notes page for actor; lang picks the
// language of the plan's suggested theme.
func (s *Service) MeetingNotes(ctx context.Context, actor *account.User, pairID, meetingID int64, lang string) (*MeetingNotes, error) {
	a, err := openDocs(ctx, s.DB, s.Clock.Now(), actor, pairID, meetingID)
	if err != nil {
		return nil, err
	}
	out := &MeetingNotes{Pair: a.Pair, Viewer: a.Viewer, Meeting: a.Meeting, CanWrite: a.CanWrite()}
	prog, err := program.Get(ctx, s.DB, a.Pair.ProgramID)
	if err != nil {
		return nil, err
	}
	// The rest depends on nothing read after who asks: read together.
	var r store.Reads
	var notes savedNotes
	readNotes(&r, meetingID, &notes)
	if a.Viewer.Member() {
		out.Private = &PrivateNote{}
		readPrivate(&r, meetingID, actor.ID, out.Private)
	}
	var agenda savedAgenda
	readAgenda(&r, meetingID, &agenda)
	readMeetingActions(&r, a.Meeting, &out.Agreed, &out.Review)
	var plan planChoice
	readPlanFor(&r, prog, lang, &plan)
	readPairGoals(&r, pairID, &out.Goals)
	if err := r.Run(ctx, s.DB); err != nil {
		return nil, err
	}
	out.Notes, out.Version, out.UpdatedAt, out.UpdatedBy = notes.Notes, notes.Version, notes.At, notes.By
	out.Agenda = agenda.Items
	p, err := plan.plan(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	if t, ok := p.ThemeFor(a.Meeting.Number); ok {
		out.Theme = &t
	}
	return out, nil
}

// savedNotes is a meeting's shared notes as saved: zero when none are.
type savedNotes struct {
	Notes   Notes
	Version int
	At      *time.Time
	By      string
}

func readNotes(r *store.Reads, meetingID int64, out *savedNotes) {
	r.Add(func(rows store.Rows) error {
		if !rows.Next() {
			return nil
		}
		var updated time.Time
		var name sql.NullString
		n := &out.Notes
		if err := rows.Scan(&n.SinceLast, &n.Today, &n.TimeMinutes, &n.Theme, &n.NextSteps, &n.Reflection, &n.Remember,
			&out.Version, &updated, &name); err != nil {
			return err
		}
		out.At, out.By = &updated, name.String
		return nil
	}, `SELECT n.since_last, n.today, n.time_minutes, n.theme, n.next_steps, n.reflection,
		n.remember, n.version, n.updated_at, u.name
		FROM meeting_notes n LEFT JOIN users u ON u.id = n.updated_by WHERE n.meeting_id = ?`, meetingID)
}

func loadNotes(ctx context.Context, q store.Q, meetingID int64) (savedNotes, error) {
	return store.ReadAlone(ctx, q, func(r *store.Reads, out *savedNotes) { readNotes(r, meetingID, out) })
}

// SaveNotes saves the shared notes. Both sides may write them, so version
// must be the version the writer started from: if the other side saved in
// between, nothing changes and the answer is a Conflict, and the caller
// still holds the writer's text to show again. It returns the new version.
func (s *Service) SaveNotes(ctx context.Context, actor *account.User, pairID, meetingID int64, version int, in Notes) (int, error) {
	n, verr := in.clean()
	now := s.Clock.Now().UTC()
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		if _, err := openForWriting(ctx, tx, now, actor, pairID, meetingID); err != nil {
			return err
		}
		if verr != nil {
			return verr
		}
		return saveVersioned(ctx, tx, version, "notes.error.stale",
			`INSERT INTO meeting_notes (meeting_id, since_last, today, time_minutes, theme, next_steps, reflection,
				remember, version, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
			[]any{meetingID, n.SinceLast, n.Today, n.TimeMinutes, n.Theme, n.NextSteps, n.Reflection, n.Remember, actor.ID, now},
			`UPDATE meeting_notes SET since_last = ?, today = ?, time_minutes = ?, theme = ?, next_steps = ?,
				reflection = ?, remember = ?, version = version + 1, updated_by = ?, updated_at = ?
				WHERE meeting_id = ? AND version = ?`,
			[]any{n.SinceLast, n.Today, n.TimeMinutes, n.Theme, n.NextSteps, n.Reflection, n.Remember, actor.ID, now, meetingID, version})
	})
	if err != nil {
		return 0, err
	}
	return version + 1, nil
}

// saveVersioned writes a row guarded by a version counter: version 0 means
// the writer saw no row and inserts; otherwise the update applies only if
// the row is still at that version. Anything else is a Conflict with
// staleKey, and on PostgreSQL the failed insert has already doomed the
// transaction, which the Conflict rolls back.
func saveVersioned(ctx context.Context, tx *store.Tx, version int, staleKey, insert string, insertArgs []any, update string, updateArgs []any) error {
	if version < 0 {
		return errs.E(errs.Conflict, staleKey)
	}
	if version == 0 {
		_, err := tx.Exec(ctx, insert, insertArgs...)
		if store.IsUnique(err) {
			return errs.E(errs.Conflict, staleKey)
		}
		return err
	}
	res, err := tx.Exec(ctx, update, updateArgs...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return errs.E(errs.Conflict, staleKey)
	}
	return nil
}

// SharedNotes reads the shared notes for the API.
func (s *Service) SharedNotes(ctx context.Context, actor *account.User, pairID, meetingID int64) (Notes, int, *time.Time, error) {
	if _, err := openDocs(ctx, s.DB, s.Clock.Now(), actor, pairID, meetingID); err != nil {
		return Notes{}, 0, nil, err
	}
	n, err := loadNotes(ctx, s.DB, meetingID)
	if err != nil {
		return Notes{}, 0, nil, err
	}
	return n.Notes, n.Version, n.At, nil
}

func loadPrivate(ctx context.Context, q store.Q, meetingID, userID int64) (*PrivateNote, error) {
	var p PrivateNote
	var r store.Reads
	readPrivate(&r, meetingID, userID, &p)
	if err := r.Run(ctx, q); err != nil {
		return nil, err
	}
	return &p, nil
}

// readPrivate queues the read of a person's own note of a meeting, which
// leaves *out zero when they have written none.
func readPrivate(r *store.Reads, meetingID, userID int64, out *PrivateNote) {
	r.Add(func(rows store.Rows) error {
		if !rows.Next() {
			return nil
		}
		var at time.Time
		if err := rows.Scan(&out.Body, &out.Version, &at); err != nil {
			return err
		}
		out.UpdatedAt = &at
		return nil
	}, `SELECT body, version, updated_at FROM private_notes WHERE meeting_id = ? AND user_id = ?`, meetingID, userID)
}

// openPrivate lets only the pair's members near their own private notes:
// coordinators are refused whatever the agreement shares.
func openPrivate(ctx context.Context, q store.Q, now time.Time, actor *account.User, pairID, meetingID int64) (*docAccess, error) {
	p, v, err := program.RequirePairMember(ctx, q, actor, pairID)
	if err != nil {
		return nil, err
	}
	a := &docAccess{Pair: p, Viewer: v, Now: now}
	if a.Meeting, err = InPair(ctx, q, pairID, meetingID); err != nil {
		return nil, err
	}
	return a, nil
}

// PrivateNote reads actor's own note of a meeting.
func (s *Service) PrivateNote(ctx context.Context, actor *account.User, pairID, meetingID int64) (*PrivateNote, error) {
	if _, err := openPrivate(ctx, s.DB, s.Clock.Now(), actor, pairID, meetingID); err != nil {
		return nil, err
	}
	return loadPrivate(ctx, s.DB, meetingID, actor.ID)
}

// SavePrivateNote saves actor's own note of a meeting. The version guard
// protects a person from their own second browser tab. A private note may
// still be written after the pair has ended or the meeting was cancelled:
// it is nobody else's business.
func (s *Service) SavePrivateNote(ctx context.Context, actor *account.User, pairID, meetingID int64, version int, body string) (int, error) {
	body = strings.TrimSpace(strings.ToValidUTF8(body, "\uFFFD"))
	now := s.Clock.Now().UTC()
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		if _, err := openPrivate(ctx, tx, now, actor, pairID, meetingID); err != nil {
			return err
		}
		if utf8.RuneCountInString(body) > MaxNoteText {
			var v errs.Validation
			v.Add("body", "error.too_long", "max", MaxNoteText)
			return v.Err()
		}
		return saveVersioned(ctx, tx, version, "notes.error.private_stale",
			`INSERT INTO private_notes (meeting_id, user_id, body, version, updated_at) VALUES (?, ?, ?, 1, ?)`,
			[]any{meetingID, actor.ID, body, now},
			`UPDATE private_notes SET body = ?, version = version + 1, updated_at = ?
				WHERE meeting_id = ? AND user_id = ? AND version = ?`,
			[]any{body, now, meetingID, actor.ID, version})
	})
	if err != nil {
		return 0, err
	}
	return version + 1, nil
}

// readPairGoals queues the read of the pair's goals, for linking action
// items to them.
func readPairGoals(r *store.Reads, pairID int64, out *[]GoalRef) {
	r.Add(func(rows store.Rows) error {
		for rows.Next() {
			var g GoalRef
			if err := rows.Scan(&g.ID, &g.Title); err != nil {
				return err
			}
			*out = append(*out, g)
		}
		return nil
	}, `SELECT id, title FROM goals WHERE pair_id = ? AND status <> 'dropped'
		ORDER BY COALESCE(parent_id, id), parent_id IS NOT NULL, position, id`, pairID)
}
