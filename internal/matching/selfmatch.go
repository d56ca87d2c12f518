package matching

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Self-match: when a program allows it, an approved mentee without a pair
// picks among their best suggested mentors and asks one; the mentor accepts
// or declines within the program's number of days, after which the request
// expires. Capacity is checked when asking and again, under lock, when
// accepting.

// Request statuses. A request still "open" past its expiry reads as
// RequestExpired; the row is marked so only when the mentee next asks.
const (
	RequestOpen      = "open"
	RequestAccepted  = "accepted"
	RequestDeclined  = "declined"
	RequestWithdrawn = "withdrawn"
	RequestExpired   = "expired"
	RequestClosed    = "closed" // the mentor filled up before answering
)

// MaxNoteLen bounds the short note a mentee sends with a request.
const MaxNoteLen = 500

// Request is a mentee's request to one mentor.
type Request struct {
	ID, ProgramID          int64
	MenteeID, MentorID     int64
	MenteeName, MentorName string
	Note                   string
	Status                 string // as of the time it was read
	CreatedAt, ExpiresAt   time.Time
	DecidedAt              *time.Time
	PairID                 *int64
}

// Open reports whether the request still waits for the mentor.
func (r *Request) Open() bool { return r.Status == RequestOpen }

const requestSelect = `SELECT r.id, r.program_id, r.mentee_id, r.mentor_id, e.name, m.name, r.note, r.status,
	r.created_at, r.expires_at, r.decided_at, r.pair_id
	FROM match_requests r JOIN users e ON e.id = r.mentee_id JOIN users m ON m.id = r.mentor_id`

func scanRequest(row interface{ Scan(...any) error }, now time.Time) (*Request, error) {
	var r Request
	err := row.Scan(&r.ID, &r.ProgramID, &r.MenteeID, &r.MentorID, &r.MenteeName, &r.MentorName, &r.Note, &r.Status,
		&r.CreatedAt, &r.ExpiresAt, &r.DecidedAt, &r.PairID)
	if err != nil {
		return nil, err
	}
	if r.Status == RequestOpen && !now.Before(r.ExpiresAt) {
		r.Status = RequestExpired
	}
	return &r, nil
}

func listRequests(ctx context.Context, q store.Q, now time.Time, where string, args ...any) ([]Request, error) {
	rows, err := q.Query(ctx, requestSelect+` WHERE `+where+` ORDER BY r.created_at DESC, r.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Request
	for rows.Next() {
		r, err := scanRequest(rows, now)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// Suggestion is one mentor offered to a mentee, with why.
type Suggestion struct {
	Mentor  program.Participant
	Score   int64
	Percent int // Score as a share of a perfect pair under the program's settings
	Reasons []Reason
	Places  int // free places left in the mentor's capacity
}

// SelfMatch is a mentee's view of self-match in one program.
type SelfMatch struct {
	Program     *program.Program
	Settings    Settings
	Me          *program.Participant
	Paired      bool
	Left        *program.Left // set when their last pair closed and nobody asked for a new mentor
	Open        *Request      // the request waiting for an answer, if any
	Suggestions []Suggestion
	History     []Request // every request, newest first, the open one included
}

// CanRequest reports whether the mentee may ask a mentor now.
func (v *SelfMatch) CanRequest() bool {
	return v.Settings.SelfMatch && v.Me.Status == program.StatusApproved && !v.Paired && v.Left == nil && v.Open == nil
}

// menteeFor loads the acting person's participation as a mentee.
// Coordinators and mentors of the program get Forbidden, strangers
// NotFound.
func menteeFor(ctx context.Context, q store.Q, actor *account.User, programID int64) (*program.Participant, error) {
	if actor == nil {
		return nil, errs.E(errs.Unauthorized, "error.login_required")
	}
	me, err := program.GetParticipant(ctx, q, programID, actor.ID)
	if errs.Is(err, errs.NotFound) {
		if _, err := program.RequireCoordinatorTx(ctx, q, actor, programID); err != nil {
			return nil, err
		}
		return nil, errs.E(errs.Forbidden, "selfmatch.error.mentees_only")
	}
	if err != nil {
		return nil, err
	}
	if me.Role != program.SideMentee {
		return nil, errs.E(errs.Forbidden, "selfmatch.error.mentees_only")
	}
	return me, nil
}

// RequireMentee checks that the acting person is a mentee of the program,
// as asking a mentor requires, without computing any suggestions.
func (s *Service) RequireMentee(ctx context.Context, actor *account.User, programID int64) error {
	_, err := menteeFor(ctx, s.DB, actor, programID)
	return err
}

// SelfMatchFor shows a mentee their self-match state and, when they may
// ask, their best suggestions. A program without self-match, a mentee
// still waiting for approval or already paired gets the state without
// suggestions, so the page can say why.
func (s *Service) SelfMatchFor(ctx context.Context, actor *account.User, programID int64) (*SelfMatch, error) {
	return selfMatchFor(ctx, s.DB, actor, programID, s.Clock.Now().UTC())
}

func selfMatchFor(ctx context.Context, q store.Q, actor *account.User, programID int64, now time.Time) (*SelfMatch, error) {
	me, err := menteeFor(ctx, q, actor, programID)
	if err != nil {
		return nil, err
	}
	v := &SelfMatch{Me: me}
	if v.Program, err = program.Get(ctx, q, programID); err != nil {
		return nil, err
	}
	if v.Settings, err = LoadSettings(ctx, q, programID); err != nil {
		return nil, err
	}
	counts, err := activeCounts(ctx, q, programID)
	if err != nil {
		return nil, err
	}
	v.Paired = counts[me.UserID] > 0
	if v.History, err = listRequests(ctx, q, now, `r.program_id = ? AND r.mentee_id = ?`, programID, me.UserID); err != nil {
		return nil, err
	}
	for i := range v.History {
		if v.History[i].Open() {
			v.Open = &v.History[i]
		}
	}
	if !v.Settings.SelfMatch || me.Status != program.StatusApproved || v.Paired {
		return v, nil
	}
	// The same pool as the coordinator's proposals: after a pair closes,
	// only a mentee someone asked back gets suggestions, and never a
	// former mentor.
	h, err := program.LoadMenteeHistory(ctx, q, programID, me.UserID)
	if err != nil {
		return nil, err
	}
	if l, ok := h.Left[me.UserID]; ok && !l.InPool() {
		v.Left = &l
		return v, nil
	}
	v.Suggestions, err = suggest(ctx, q, me, v.Settings, counts, h.Former)
	return v, err
}

// suggest ranks the mentors the mentee may be paired with: approved, with
// a free place, allowed by the program's hard rules, not excluded, not a
// former mentor (former lists the mentee's closed pairs) and not having
// declined this mentee before. Ties go to the mentor with more free
// places, then by name, so the list is stable.
func suggest(ctx context.Context, q store.Q, me *program.Participant, set Settings, counts map[int64]int, former []program.FormerPair) ([]Suggestion, error) {
	mentors, err := program.ListParticipants(ctx, q, me.ProgramID, program.ParticipantFilter{Role: program.SideMentor, Status: program.StatusApproved})
	if err != nil {
		return nil, err
	}
	barred := map[int64]bool{}
	rows, err := q.Query(ctx, `SELECT mentor_id FROM match_requests WHERE program_id = ? AND mentee_id = ? AND status = 'declined'`,
		me.ProgramID, me.UserID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		barred[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, f := range former {
		barred[f.MentorID] = true
	}
	open := mentors[:0]
	for _, m := range mentors {
		if !barred[m.UserID] && !set.Excludes(me.UserID, m.UserID) && counts[m.UserID] < m.Capacity && m.UserID != me.UserID {
			open = append(open, m)
		}
	}
	sc := NewScorer([]program.Participant{*me}, open, set)
	var out []Suggestion
	col := map[int64]int{} // mentor's column in sc, for Explain below
	for j, m := range open {
		score, ok := sc.Score(0, j)
		if !ok {
			continue
		}
		col[m.UserID] = j
		out = append(out, Suggestion{Mentor: m, Score: score, Percent: sc.Percent(score), Places: m.Capacity - counts[m.UserID]})
	}
	slices.SortStableFunc(out, func(a, b Suggestion) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(b.Places, a.Places),
			strings.Compare(a.Mentor.Name, b.Mentor.Name), cmp.Compare(a.Mentor.UserID, b.Mentor.UserID))
	})
	if len(out) > set.Suggestions {
		out = out[:set.Suggestions]
	}
	// Reasons only for the mentors shown: explaining is far dearer than
	// scoring, and most candidates fall past the cut.
	for k := range out {
		out[k].Reasons = sc.Explain(0, col[out[k].Mentor.UserID])
	}
	return out, nil
}

// lockRows holds the participant rows of the people involved until the
// transaction ends, in user id order as program.CreatePairTx does, so two
// accepts for the same mentor on PostgreSQL run one after the other and
// the second sees the first one's pair. On SQLite a transaction holds the
// one write lock from its start.
func lockRows(ctx context.Context, tx *store.Tx, programID int64, userIDs ...int64) error {
	if tx.Dialect() != store.Postgres {
		return nil
	}
	ids := slices.Sorted(slices.Values(userIDs))
	for _, id := range slices.Compact(ids) {
		rows, err := tx.Query(ctx, `SELECT id FROM participants WHERE program_id = ? AND user_id = ? FOR UPDATE`, programID, id)
		if err != nil {
			return err
		}
		rows.Close()
	}
	return nil
}

// RequestMentor sends the mentee's request to one of their current
// suggestions. A mentee holds one open request at a time; the mentor is
// told by email in their own language.
func (s *Service) RequestMentor(ctx context.Context, actor *account.User, programID, mentorUserID int64, note string) (*Request, error) {
	note = strings.TrimSpace(note)
	now := s.Clock.Now().UTC()
	var id int64
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		me, err := menteeFor(ctx, tx, actor, programID)
		if err != nil {
			return err
		}
		if err := lockRows(ctx, tx, programID, me.UserID, mentorUserID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE match_requests SET status = 'expired' WHERE program_id = ? AND mentee_id = ?
			AND status = 'open' AND expires_at <= ?`, programID, me.UserID, now); err != nil {
			return err
		}
		v, err := selfMatchFor(ctx, tx, actor, programID, now)
		if err != nil {
			return err
		}
		switch {
		case !v.Settings.SelfMatch:
			return errs.E(errs.Conflict, "selfmatch.error.off")
		case me.Status != program.StatusApproved:
			return errs.E(errs.Forbidden, "selfmatch.error.not_approved")
		case v.Paired:
			return errs.E(errs.Conflict, "selfmatch.error.paired")
		case v.Left != nil:
			return errs.E(errs.Conflict, "matching.error.selfmatch_left")
		case v.Open != nil:
			return errs.E(errs.Conflict, "selfmatch.error.open_request", "name", v.Open.MentorName)
		}
		var val errs.Validation
		val.Check(utf8.RuneCountInString(note) <= MaxNoteLen, "note", "error.too_long", "max", MaxNoteLen)
		if err := val.Err(); err != nil {
			return err
		}
		i := slices.IndexFunc(v.Suggestions, func(sg Suggestion) bool { return sg.Mentor.UserID == mentorUserID })
		if i < 0 {
			return errs.E(errs.Conflict, "selfmatch.error.not_suggested")
		}
		mentor := v.Suggestions[i].Mentor
		expires := now.Add(time.Duration(v.Settings.RequestDays) * 24 * time.Hour)
		err = tx.QueryRow(ctx, `INSERT INTO match_requests (program_id, mentee_id, mentor_id, note, status, created_at, expires_at)
			VALUES (?, ?, ?, ?, 'open', ?, ?) RETURNING id`, programID, me.UserID, mentor.UserID, note, now, expires).Scan(&id)
		if store.IsUnique(err) {
			return errs.E(errs.Conflict, "selfmatch.error.open_request", "name", mentor.Name)
		}
		if err != nil {
			return err
		}
		if s.Outbox == nil {
			return nil
		}
		return s.Outbox.Send(ctx, tx, now, program.Recipient(mentor.Email, mentor.Name, mentor.Language, v.Program), "selfmatch_request",
			"name", mentor.Name, "mentee", me.Name, "program", v.Program.Name, "expires", expires,
			"link", s.Outbox.Link(RequestsPath(programID)))
	})
	if err != nil {
		return nil, err
	}
	return getRequest(ctx, s.DB, id, now)
}

// RequestsPath is where a mentor answers the requests sent to them.
func RequestsPath(programID int64) string {
	return "/programs/" + strconv.FormatInt(programID, 10) + "/requests"
}

// SuggestionsPath is where a mentee sees their suggestions.
func SuggestionsPath(programID int64) string {
	return "/programs/" + strconv.FormatInt(programID, 10) + "/suggestions"
}

func getRequest(ctx context.Context, q store.Q, id int64, now time.Time) (*Request, error) {
	r, err := scanRequest(q.QueryRow(ctx, requestSelect+` WHERE r.id = ?`, id), now)
	return r, store.NotFound(err, "selfmatch.error.request_not_found")
}

// requestFor loads a request of the program, locked on PostgreSQL, for the
// person on the given side of it. The other person of the request gets
// Forbidden, anyone else NotFound so that ids reveal nothing.
func requestFor(ctx context.Context, tx *store.Tx, actor *account.User, programID, requestID int64, side string, now time.Time) (*Request, error) {
	if actor == nil {
		return nil, errs.E(errs.Unauthorized, "error.login_required")
	}
	query := requestSelect + ` WHERE r.id = ? AND r.program_id = ?`
	r, err := scanRequest(tx.QueryRow(ctx, query, requestID, programID), now)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "selfmatch.error.request_not_found")
	}
	if err != nil {
		return nil, err
	}
	if tx.Dialect() == store.Postgres {
		// Participants first, then the request, the order every use case
		// here takes: an accept that closes a mentor's other requests
		// then never waits for a row held by someone waiting for it.
		if err := lockRows(ctx, tx, programID, r.MentorID, r.MenteeID); err != nil {
			return nil, err
		}
		if r, err = scanRequest(tx.QueryRow(ctx, query+` FOR UPDATE OF r`, requestID, programID), now); err != nil {
			return nil, err
		}
	}
	mine, other := r.MentorID, r.MenteeID
	key := "selfmatch.error.mentor_answers"
	if side == program.SideMentee {
		mine, other = other, mine
		key = "selfmatch.error.mentee_withdraws"
	}
	switch actor.ID {
	case mine:
	case other:
		return nil, errs.E(errs.Forbidden, key)
	default:
		return nil, errs.E(errs.NotFound, "selfmatch.error.request_not_found")
	}
	switch r.Status {
	case RequestOpen:
		return r, nil
	case RequestExpired:
		return nil, errs.E(errs.Conflict, "selfmatch.error.expired")
	case RequestClosed:
		return nil, errs.E(errs.Conflict, "selfmatch.error.mentor_full")
	}
	return nil, errs.E(errs.Conflict, "selfmatch.error.answered")
}

// decide moves an open request to its final status; the conditional
// update keeps a double submit from deciding twice.
func decide(ctx context.Context, tx *store.Tx, id int64, status string, now time.Time, pairID *int64) error {
	res, err := tx.Exec(ctx, `UPDATE match_requests SET status = ?, decided_at = ?, pair_id = ? WHERE id = ? AND status = 'open'`,
		status, now, pairID, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err != nil {
			return err
		}
		return errs.E(errs.Conflict, "selfmatch.error.answered")
	}
	return nil
}

// AcceptRequest pairs the mentor with the mentee who asked. The mentor must
// still have a free place and the mentee must still be without a pair;
// both are checked with their rows locked, so two accepts at once cannot
// exceed the mentor's capacity. When the mentor is full afterwards, their
// other open requests are closed and those mentees told to choose again.
func (s *Service) AcceptRequest(ctx context.Context, actor *account.User, programID, requestID int64) (*Request, error) {
	now := s.Clock.Now().UTC()
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		r, err := requestFor(ctx, tx, actor, programID, requestID, program.SideMentor, now)
		if err != nil {
			return err
		}
		prog, err := program.Get(ctx, tx, programID)
		if err != nil {
			return err
		}
		mentor, err := program.GetParticipant(ctx, tx, programID, r.MentorID)
		if err != nil {
			return err
		}
		mentee, err := program.GetParticipant(ctx, tx, programID, r.MenteeID)
		if err != nil {
			return err
		}
		counts, err := activeCounts(ctx, tx, programID)
		if err != nil {
			return err
		}
		if mentor.Status != program.StatusApproved || mentor.Role != program.SideMentor {
			return errs.E(errs.Conflict, "selfmatch.error.mentor_unavailable")
		}
		if counts[mentor.UserID] >= mentor.Capacity {
			return errs.E(errs.Conflict, "selfmatch.error.mentor_full")
		}
		if mentee.Status != program.StatusApproved || counts[mentee.UserID] > 0 {
			return errs.E(errs.Conflict, "selfmatch.error.mentee_paired", "name", mentee.Name)
		}
		pairID, err := program.CreatePairTx(ctx, tx, nil, actor, prog, []int64{mentor.UserID}, []int64{mentee.UserID}, now)
		if err != nil {
			return err
		}
		if err := decide(ctx, tx, r.ID, RequestAccepted, now, &pairID); err != nil {
			return err
		}
		var closed []Request
		if counts[mentor.UserID]+1 >= mentor.Capacity {
			if closed, err = listRequests(ctx, tx, now, `r.program_id = ? AND r.mentor_id = ? AND r.status = 'open' AND r.expires_at > ?`,
				programID, mentor.UserID, now); err != nil {
				return err
			}
			// Only those still open are closed and told: one may have been
			// withdrawn or declined a moment ago.
			kept := closed[:0]
			for _, c := range closed {
				err := decide(ctx, tx, c.ID, RequestClosed, now, nil)
				if errs.Is(err, errs.Conflict) {
					continue
				}
				if err != nil {
					return err
				}
				kept = append(kept, c)
			}
			closed = kept
		}
		if s.Outbox == nil {
			return nil
		}
		if err := s.Outbox.Send(ctx, tx, now, program.Recipient(mentee.Email, mentee.Name, mentee.Language, prog), "selfmatch_accepted",
			"name", mentee.Name, "mentor", mentor.Name, "program", prog.Name,
			"link", s.Outbox.Link("/pairs/"+strconv.FormatInt(pairID, 10))); err != nil {
			return err
		}
		for _, c := range closed {
			other, err := program.GetParticipant(ctx, tx, programID, c.MenteeID)
			if err != nil {
				return err
			}
			if err := s.Outbox.Send(ctx, tx, now, program.Recipient(other.Email, other.Name, other.Language, prog), "selfmatch_closed",
				"name", other.Name, "mentor", mentor.Name, "program", prog.Name, "link", s.Outbox.Link(SuggestionsPath(programID))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return getRequest(ctx, s.DB, requestID, now)
}

// DeclineRequest says no to a request. The mentor owes no reason; the
// mentee is told neutrally and may ask someone else.
func (s *Service) DeclineRequest(ctx context.Context, actor *account.User, programID, requestID int64) (*Request, error) {
	now := s.Clock.Now().UTC()
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		r, err := requestFor(ctx, tx, actor, programID, requestID, program.SideMentor, now)
		if err != nil {
			return err
		}
		if err := decide(ctx, tx, r.ID, RequestDeclined, now, nil); err != nil {
			return err
		}
		if s.Outbox == nil {
			return nil
		}
		prog, err := program.Get(ctx, tx, programID)
		if err != nil {
			return err
		}
		mentee, err := program.GetParticipant(ctx, tx, programID, r.MenteeID)
		if err != nil {
			return err
		}
		return s.Outbox.Send(ctx, tx, now, program.Recipient(mentee.Email, mentee.Name, mentee.Language, prog), "selfmatch_declined",
			"name", mentee.Name, "mentor", r.MentorName, "program", prog.Name, "link", s.Outbox.Link(SuggestionsPath(programID)))
	})
	if err != nil {
		return nil, err
	}
	return getRequest(ctx, s.DB, requestID, now)
}

// WithdrawRequest lets the mentee take back an open request, to ask
// someone else.
func (s *Service) WithdrawRequest(ctx context.Context, actor *account.User, programID, requestID int64) (*Request, error) {
	now := s.Clock.Now().UTC()
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		r, err := requestFor(ctx, tx, actor, programID, requestID, program.SideMentee, now)
		if err != nil {
			return err
		}
		return decide(ctx, tx, r.ID, RequestWithdrawn, now, nil)
	})
	if err != nil {
		return nil, err
	}
	return getRequest(ctx, s.DB, requestID, now)
}

// IncomingRequest is a request to a mentor with the asking mentee's
// profile, which the mentor reads to decide.
type IncomingRequest struct {
	Request
	Mentee *program.Participant
}

// Inbox is a mentor's view of the requests sent to them in one program.
type Inbox struct {
	Program     *program.Program
	Me          *program.Participant
	ActivePairs int
	Requests    []IncomingRequest // newest first
}

// Full reports whether the mentor has no free place left.
func (b *Inbox) Full() bool { return b.ActivePairs >= b.Me.Capacity }

// OpenCount counts the requests waiting for an answer.
func (b *Inbox) OpenCount() int {
	n := 0
	for _, r := range b.Requests {
		if r.Open() {
			n++
		}
	}
	return n
}

// MentorInbox lists the requests sent to the acting mentor. Coordinators and
// mentees of the program get Forbidden, strangers NotFound.
func (s *Service) MentorInbox(ctx context.Context, actor *account.User, programID int64) (*Inbox, error) {
	if actor == nil {
		return nil, errs.E(errs.Unauthorized, "error.login_required")
	}
	now := s.Clock.Now().UTC()
	me, err := program.GetParticipant(ctx, s.DB, programID, actor.ID)
	if errs.Is(err, errs.NotFound) {
		if _, err := program.RequireCoordinatorTx(ctx, s.DB, actor, programID); err != nil {
			return nil, err
		}
		return nil, errs.E(errs.Forbidden, "selfmatch.error.mentors_only")
	}
	if err != nil {
		return nil, err
	}
	if me.Role != program.SideMentor {
		return nil, errs.E(errs.Forbidden, "selfmatch.error.mentors_only")
	}
	b := &Inbox{Me: me}
	if b.Program, err = program.Get(ctx, s.DB, programID); err != nil {
		return nil, err
	}
	counts, err := activeCounts(ctx, s.DB, programID)
	if err != nil {
		return nil, err
	}
	b.ActivePairs = counts[me.UserID]
	reqs, err := listRequests(ctx, s.DB, now, `r.program_id = ? AND r.mentor_id = ?`, programID, me.UserID)
	if err != nil {
		return nil, err
	}
	for _, r := range reqs {
		in := IncomingRequest{Request: r}
		if r.Open() {
			// The profile is shown only while the mentor decides.
			if in.Mentee, err = program.GetParticipant(ctx, s.DB, programID, r.MenteeID); err != nil {
				return nil, err
			}
		}
		b.Requests = append(b.Requests, in)
	}
	return b, nil
}

// OpenRequestsFor counts the requests waiting for the mentor's answer in
// the program, for a badge on the program page. It does not check who asks.
func OpenRequestsFor(ctx context.Context, q store.Q, programID, mentorUserID int64, now time.Time) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM match_requests WHERE program_id = ? AND mentor_id = ? AND status = 'open' AND expires_at > ?`,
		programID, mentorUserID, now.UTC()).Scan(&n)
	return n, err
}

// MyRequests lists the requests a participant is party to in the program,
// newest first: those a mentee sent, or those a mentor received.
// Coordinators get Forbidden (they follow pairs, not requests), strangers
// NotFound.
func (s *Service) MyRequests(ctx context.Context, actor *account.User, programID int64) ([]Request, error) {
	if actor == nil {
		return nil, errs.E(errs.Unauthorized, "error.login_required")
	}
	me, err := program.GetParticipant(ctx, s.DB, programID, actor.ID)
	if errs.Is(err, errs.NotFound) {
		if _, err := program.RequireCoordinatorTx(ctx, s.DB, actor, programID); err != nil {
			return nil, err
		}
		return nil, errs.E(errs.Forbidden, "selfmatch.error.participants_only")
	}
	if err != nil {
		return nil, err
	}
	col := "r.mentee_id"
	if me.Role == program.SideMentor {
		col = "r.mentor_id"
	}
	return listRequests(ctx, s.DB, s.Clock.Now().UTC(), `r.program_id = ? AND `+col+` = ?`, programID, me.UserID)
}
