package meeting

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Where an agenda item came from.
const (
	SourceTheme    = KindTheme
	SourceTopic    = KindTopic
	SourceActivity = KindActivity
	SourceOwn      = "own"
)

// Limits on an agenda: a meeting of an hour or two has room for a handful
// of topics, and thirty is already more than anyone gets through.
const (
	MaxAgendaItems = 30
	MaxAgendaTitle = 200
	MaxAgendaNote  = 2000
)

// AgendaItem is one topic the mentee wants to talk about. Items are copied
// from the plan, so a later edit of the plan leaves saved agendas alone.
type AgendaItem struct {
	Source string
	Title  string
	Note   string // what the mentee wants to ask or say about it
}

// Agenda is one meeting's agenda as one person may see it.
type Agenda struct {
	Pair      *program.Pair
	Viewer    program.PairViewer
	Meeting   *Meeting
	Items     []AgendaItem
	Version   int // 0 until the first save
	UpdatedAt *time.Time
	UpdatedBy string
	// CanEdit is true for the mentee side of a running pair: the mentee
	// prepares the meeting and the mentor reads what they prepared.
	CanEdit bool
	Theme   *PlanItem // the plan's suggestion for this meeting
	// Plan is the program's plan and libraries to pick from; only the
	// people who can edit get it.
	Plan *Plan
}

// AgendaState is what a list of meetings shows about each one's documents.
type AgendaState struct {
	Items     int        // topics on the agenda
	UpdatedAt *time.Time // when the agenda was last saved; nil: not prepared
	Notes     bool       // whether shared notes have been written
}

// Prepared reports whether the mentee has saved an agenda with topics.
func (s AgendaState) Prepared() bool { return s.Items > 0 }

// AgendaStatus reports, in one query, the agenda and notes state of each of
// the given meetings. Meetings with nothing written are absent from the map.
// It does not check who asks: it reveals only counts, for pages that have
// already decided the viewer may see the meetings.
func AgendaStatus(ctx context.Context, q store.Q, meetingIDs []int64) (map[int64]AgendaState, error) {
	if len(meetingIDs) == 0 {
		return map[int64]AgendaState{}, nil
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(meetingIDs)), ", ")
	args := make([]any, len(meetingIDs))
	for i, id := range meetingIDs {
		args[i] = id
	}
	return agendaStatus(ctx, q, `m.id IN (`+marks+`)`, args...)
}

// ForPairWithAgenda is ForPair with AgendaStatus of those meetings, read
// together in one statement: the pair's page shows both. It does not check
// who asks; call it only for a viewer who may see agenda and notes status.
func ForPairWithAgenda(ctx context.Context, q store.Q, pairID int64) ([]Meeting, map[int64]AgendaState, error) {
	ms, states, err := ForPairsWithAgenda(ctx, q, program.OnePair(pairID))
	return ms[pairID], states, err
}

// withAgendaState ends a meeting's columns with its agenda state (agenda,
// its last change, its number of items, notes), as AgendaState.of reads
// them, and names the tables they come from.
const withAgendaState = `a.meeting_id, a.updated_at,
	CASE WHEN a.meeting_id IS NULL AND n.meeting_id IS NULL THEN 0
		ELSE (SELECT COUNT(*) FROM agenda_items i WHERE i.meeting_id = m.id) END, n.meeting_id
	FROM meetings m LEFT JOIN agendas a ON a.meeting_id = m.id LEFT JOIN meeting_notes n ON n.meeting_id = m.id`

// ReadNextOfPairs queues a read that gives each pair of the set in out its
// next meeting, the first not cancelled that starts after now (in order of
// start, then id, as ForPairs lists them), numbered as ForPairs numbers
// it, with its agenda state in states and the further times it offers
// while it is a proposal in options, by meeting (see OptionsOf): the start
// page's cards show that meeting only, and
// reading a pair's whole history for it cost more the longer the pair had
// met. Pairs with no meeting ahead are absent.
func ReadNextOfPairs(r *store.Reads, set program.PairSet, now time.Time, out map[int64]*Meeting, states map[int64]AgendaState, options map[int64][]time.Time) {
	cond, args := set.Cond("p.id")
	r.Add(func(rows store.Rows) error {
		for rows.Next() {
			var number int
			var c agendaCols
			var option *time.Time
			m, err := scanMeeting(rows, append([]any{&number, &option}, c.dest()...)...)
			if err != nil {
				return err
			}
			if option != nil {
				options[m.ID] = append(options[m.ID], option.UTC())
			}
			if out[m.PairID] != nil {
				continue // the meeting's further option, on a row of its own
			}
			m.Number = number
			if st, ok := c.state(); ok {
				states[m.ID] = st
			}
			out[m.PairID] = m
		}
		return nil
	}, `SELECT `+meetingCols+`, `+numberExpr+`, o.starts_at, `+withAgendaState+`
		LEFT JOIN meeting_options o ON o.meeting_id = m.id AND m.status = 'proposed'
		WHERE m.id IN (SELECT (SELECT f.id FROM meetings f WHERE f.pair_id = p.id AND f.status <> 'cancelled' AND f.starts_at > ?
			ORDER BY f.starts_at, f.id LIMIT 1) FROM pairs p WHERE `+cond+`)
		ORDER BY m.id, o.position`, append([]any{now.UTC()}, args...)...)
}

// ForPairsWithAgenda is ForPairWithAgenda for every pair of the set, the
// meetings by pair and the agenda states by meeting, in one statement
// however many pairs.
func ForPairsWithAgenda(ctx context.Context, q store.Q, set program.PairSet) (map[int64][]Meeting, map[int64]AgendaState, error) {
	cond, args := set.Cond("m.pair_id")
	rows, err := q.Query(ctx, `SELECT `+meetingCols+`, `+withAgendaState+`
		WHERE `+cond+` ORDER BY m.pair_id, m.starts_at, m.id`, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	out := map[int64][]Meeting{}
	states := map[int64]AgendaState{}
	for rows.Next() {
		var c agendaCols
		m, err := scanMeeting(rows, c.dest()...)
		if err != nil {
			return nil, nil, err
		}
		if st, ok := c.state(); ok {
			states[m.ID] = st
		}
		out[m.PairID] = appendNumbered(out[m.PairID], m)
	}
	return out, states, rows.Err()
}

// UpTo is what ReadUpTo reads: a pair's meetings and the agenda state of
// those that have one (nil unless asked for).
type UpTo struct {
	Meetings []Meeting
	Agenda   map[int64]AgendaState
}

// ReadUpTo queues a read of the pair's meetings as ForPairWithAgenda has
// them when withAgenda, else as ForPair does, reading of the meetings
// ahead at now (not cancelled, starting after now) only the first ahead,
// at least one. Cancelled meetings that were to start after now are left
// out too. Those it lists are numbered as ForPair numbers them: all that
// start before them are read. The pair's page shows a few of the meetings
// ahead and counts the rest from the pair's own list (program.Booked), and
// a pair that proposes again and again would otherwise have every
// proposal read on every view.
func ReadUpTo(r *store.Reads, pairID int64, now time.Time, ahead int, withAgenda bool, out *UpTo) {
	now = now.UTC()
	from := ` FROM meetings m`
	if withAgenda {
		from = `, ` + withAgendaState
	}
	r.Add(func(rows store.Rows) error {
		if withAgenda {
			out.Agenda = map[int64]AgendaState{}
		}
		for rows.Next() {
			var c agendaCols
			var dest []any
			if withAgenda {
				dest = c.dest()
			}
			m, err := scanMeeting(rows, dest...)
			if err != nil {
				return err
			}
			if st, ok := c.state(); ok {
				out.Agenda[m.ID] = st
			}
			out.Meetings = appendNumbered(out.Meetings, m)
		}
		return nil
	}, `SELECT `+meetingCols+from+`
		WHERE m.pair_id = ? AND (m.starts_at <= ? OR m.id IN (SELECT f.id FROM meetings f
			WHERE f.pair_id = ? AND f.status <> 'cancelled' AND f.starts_at > ? ORDER BY f.starts_at, f.id LIMIT ?))
		ORDER BY m.starts_at, m.id`, pairID, now, pairID, now, ahead)
}

// appendNumbered appends m to its pair's list, numbered among the pair's
// meetings not cancelled; the list holds those before it in order of
// start.
func appendNumbered(list []Meeting, m *Meeting) []Meeting {
	if !m.Cancelled() {
		m.Number = 1
		for i := len(list) - 1; i >= 0; i-- {
			if !list[i].Cancelled() {
				m.Number = list[i].Number + 1
				break
			}
		}
	}
	return append(list, *m)
}

// AgendaStatusIn is AgendaStatus for the meetings of the pairs of the set
// that start after from and no later than to, in one query however many
// pairs: the reminder scan asks it about the next days of every pair
// rather than one meeting at a time. It does not check who asks.
func AgendaStatusIn(ctx context.Context, q store.Q, set program.PairSet, from, to time.Time) (map[int64]AgendaState, error) {
	cond, args := set.Cond("m.pair_id")
	return agendaStatus(ctx, q, cond+` AND m.starts_at > ? AND m.starts_at <= ?`, append(args, from.UTC(), to.UTC())...)
}

func agendaStatus(ctx context.Context, q store.Q, where string, args ...any) (map[int64]AgendaState, error) {
	rows, err := q.Query(ctx, `SELECT m.id, a.updated_at,
		(SELECT COUNT(*) FROM agenda_items i WHERE i.meeting_id = m.id), n.meeting_id
		FROM meetings m LEFT JOIN agendas a ON a.meeting_id = m.id LEFT JOIN meeting_notes n ON n.meeting_id = m.id
		WHERE `+where+` AND (a.meeting_id IS NOT NULL OR n.meeting_id IS NOT NULL)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]AgendaState{}
	for rows.Next() {
		var id int64
		var st AgendaState
		var notes sql.NullInt64
		if err := rows.Scan(&id, &st.UpdatedAt, &st.Items, &notes); err != nil {
			return nil, err
		}
		st.Notes = notes.Valid
		out[id] = st
	}
	return out, rows.Err()
}

func loadAgenda(ctx context.Context, q store.Q, meetingID int64) (savedAgenda, error) {
	return store.ReadAlone(ctx, q, func(r *store.Reads, out *savedAgenda) { readAgenda(r, meetingID, out) })
}

// savedAgenda is a meeting's agenda as saved: zero when none is.
type savedAgenda struct {
	Items   []AgendaItem
	Version int
	At      *time.Time
	By      string
}

func readAgenda(r *store.Reads, meetingID int64, out *savedAgenda) {
	// The agenda and its items in one statement: the notes page and the
	// agenda page read them on every view. A saved agenda without items
	// comes as one row with no item.
	r.Add(func(rows store.Rows) error {
		var updated time.Time
		var name sql.NullString
		for rows.Next() {
			var source, title, note sql.NullString
			if err := rows.Scan(&out.Version, &updated, &name, &source, &title, &note); err != nil {
				return err
			}
			out.At, out.By = &updated, name.String
			if source.Valid {
				out.Items = append(out.Items, AgendaItem{Source: source.String, Title: title.String, Note: note.String})
			}
		}
		return nil
	}, `SELECT a.version, a.updated_at, u.name, i.source, i.title, i.note FROM agendas a
		LEFT JOIN users u ON u.id = a.updated_by
		LEFT JOIN agenda_items i ON i.meeting_id = a.meeting_id
		WHERE a.meeting_id = ? ORDER BY i.position`, meetingID)
}

// Agenda loads a meeting's agenda for actor, with the plan's suggestions in
// lang for the mentee who prepares it.
func (s *Service) Agenda(ctx context.Context, actor *account.User, pairID, meetingID int64, lang string) (*Agenda, error) {
	a, err := openDocs(ctx, s.DB, s.Clock.Now(), actor, pairID, meetingID)
	if err != nil {
		return nil, err
	}
	out := &Agenda{Pair: a.Pair, Viewer: a.Viewer, Meeting: a.Meeting,
		CanEdit: a.CanWrite() && a.Viewer.Side == program.SideMentee}
	prog, err := program.Get(ctx, s.DB, a.Pair.ProgramID)
	if err != nil {
		return nil, err
	}
	var r store.Reads
	var saved savedAgenda
	readAgenda(&r, meetingID, &saved)
	var choice planChoice
	readPlanFor(&r, prog, lang, &choice)
	if err := r.Run(ctx, s.DB); err != nil {
		return nil, err
	}
	out.Items, out.Version, out.UpdatedAt, out.UpdatedBy = saved.Items, saved.Version, saved.At, saved.By
	plan, err := choice.plan(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	if t, ok := plan.ThemeFor(a.Meeting.Number); ok {
		out.Theme = &t
	}
	if out.CanEdit {
		out.Plan = plan
	}
	return out, nil
}

// SaveAgenda replaces a meeting's agenda. Only the mentee side of a running
// pair prepares it. version is the version the mentee started from (0 for a
// new agenda); a stale one is a Conflict. When the topics changed, every
// mentor is told by email in their own language and time zone.
func (s *Service) SaveAgenda(ctx context.Context, actor *account.User, pairID, meetingID int64, version int, items []AgendaItem) (int, error) {
	clean, verr := cleanAgenda(items)
	now := s.Clock.Now().UTC()
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		a, err := openForWriting(ctx, tx, now, actor, pairID, meetingID)
		if err != nil {
			return err
		}
		if a.Viewer.Side != program.SideMentee {
			return errs.E(errs.Forbidden, "agenda.error.mentee_prepares")
		}
		if verr != nil {
			return verr
		}
		saved, err := loadAgenda(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		before := saved.Items
		if err := saveVersioned(ctx, tx, version, "agenda.error.stale",
			`INSERT INTO agendas (meeting_id, version, updated_by, updated_at) VALUES (?, 1, ?, ?)`,
			[]any{meetingID, actor.ID, now},
			`UPDATE agendas SET version = version + 1, updated_by = ?, updated_at = ? WHERE meeting_id = ? AND version = ?`,
			[]any{actor.ID, now, meetingID, version}); err != nil {
			return err
		}
		// The version above decided the save; the items go with the commit.
		if err := writeAgendaItems(ctx, tx, meetingID, before, clean); err != nil {
			return err
		}
		// The email lists the topics, so only a new list is news: a
		// mentee polishing a note saves often, and the mentor would get
		// the same list again each time.
		if len(clean) == 0 || slices.EqualFunc(before, clean, func(a, b AgendaItem) bool { return a.Title == b.Title }) {
			return nil
		}
		return s.tellMentors(ctx, tx, now, a, actor, clean, len(before) == 0)
	})
	if err != nil {
		return 0, err
	}
	return version + 1, nil
}

// writeAgendaItems turns a meeting's saved items, before, into items:
// positions are 0, 1, 2, … in order, as every writer keeps them, so an
// item is rewritten in place only where it changed, and only the rows
// beyond the shorter list are added or removed. A mentee polishing one
// note writes one row, not the whole list again; and a row changed in
// place keeps its index entry, so on PostgreSQL its old version is
// cleared from the page by the next reader instead of waiting for a
// vacuum (which a server without autovacuum never runs), as the deleted
// rows of a list written anew each save would.
func writeAgendaItems(ctx context.Context, tx *store.Tx, meetingID int64, before, items []AgendaItem) error {
	for i, it := range items {
		var err error
		switch {
		case i >= len(before):
			err = tx.Later(ctx, `INSERT INTO agenda_items (meeting_id, position, source, title, note)
				VALUES (?, ?, ?, ?, ?)`, meetingID, i, it.Source, it.Title, it.Note)
		case it != before[i]:
			err = tx.Later(ctx, `UPDATE agenda_items SET source = ?, title = ?, note = ?
				WHERE meeting_id = ? AND position = ?`, it.Source, it.Title, it.Note, meetingID, i)
		}
		if err != nil {
			return err
		}
	}
	if len(items) < len(before) {
		return tx.Later(ctx, `DELETE FROM agenda_items WHERE meeting_id = ? AND position >= ?`, meetingID, len(items))
	}
	return nil
}

// tellMentors emails every mentor of the pair the agenda's topics. first
// says whether this is the agenda's first version or a change.
func (s *Service) tellMentors(ctx context.Context, tx *store.Tx, now time.Time, a *docAccess, actor *account.User, items []AgendaItem, first bool) error {
	if s.Outbox == nil {
		return nil
	}
	prog, err := program.OfPair(ctx, tx, a.Pair)
	if err != nil {
		return err
	}
	kind := "agenda_updated"
	if first {
		kind = "agenda_ready"
	}
	var topics strings.Builder
	for _, it := range items {
		fmt.Fprintf(&topics, "- %s\n", it.Title)
	}
	link := s.Outbox.Link(fmt.Sprintf("/pairs/%d/meetings/%d/agenda", a.Pair.ID, a.Meeting.ID))
	ids := make([]int64, len(a.Pair.Mentors))
	for i, m := range a.Pair.Mentors {
		ids[i] = m.UserID
	}
	zones, err := account.Timezones(ctx, tx, ids)
	if err != nil {
		return err
	}
	for _, m := range a.Pair.Mentors {
		tz := zones[m.UserID]
		to := program.Recipient(m.Email, m.Name, m.Lang, prog)
		l := s.Outbox.Bundle.Locale(to.Lang)
		if err := s.Outbox.Send(ctx, tx, now, to, kind,
			"name", m.Name, "mentee", actor.Name, "program", prog.Name,
			"when", l.When(a.Meeting.StartsAt, tz), "topics", strings.TrimSuffix(topics.String(), "\n"),
			"link", link); err != nil {
			return err
		}
	}
	return nil
}

// cleanAgenda trims the items and checks them; field errors are named
// "items.<index>.<field>".
func cleanAgenda(items []AgendaItem) ([]AgendaItem, error) {
	var v errs.Validation
	v.Check(len(items) <= MaxAgendaItems, "items", "agenda.error.too_many", "max", MaxAgendaItems)
	out := make([]AgendaItem, 0, len(items))
	for i, it := range items {
		f := fmt.Sprintf("items.%d.", i)
		it.Title = strings.TrimSpace(strings.ToValidUTF8(it.Title, "\uFFFD"))
		it.Note = strings.TrimSpace(strings.ToValidUTF8(it.Note, "\uFFFD"))
		if it.Source == "" {
			it.Source = SourceOwn
		}
		v.Check(it.Source == SourceOwn || validKind(it.Source), f+"source", "error.choice_invalid")
		v.Check(it.Title != "", f+"title", "error.required")
		v.Check(utf8.RuneCountInString(it.Title) <= MaxAgendaTitle, f+"title", "error.too_long", "max", MaxAgendaTitle)
		v.Check(utf8.RuneCountInString(it.Note) <= MaxAgendaNote, f+"note", "error.too_long", "max", MaxAgendaNote)
		out = append(out, it)
	}
	return out, v.Err()
}

// agendaCols receives a row's withAgendaState columns.
type agendaCols struct {
	agenda, notes sql.NullInt64
	updated       sql.NullTime
	items         int
}

// dest is where Scan puts the columns, in withAgendaState's order.
func (c *agendaCols) dest() []any { return []any{&c.agenda, &c.updated, &c.items, &c.notes} }

// state is the meeting's agenda state; false when it has neither agenda
// nor notes.
func (c *agendaCols) state() (AgendaState, bool) {
	if !c.agenda.Valid && !c.notes.Valid {
		return AgendaState{}, false
	}
	st := AgendaState{Items: c.items, Notes: c.notes.Valid}
	if c.updated.Valid {
		at := c.updated.Time
		st.UpdatedAt = &at
	}
	return st, true
}
