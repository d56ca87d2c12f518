// Package dashboard reads what a program's coordinators see across all
// pairs at once. Its queries are reports: they read the other areas' tables
// directly, a fixed handful of set-based queries per program, never one per
// pair.
package dashboard

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/errs"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/health"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// PerPage is how many pairs a page of the dashboard shows.
const PerPage = 50

// Sort orders.
const (
	SortHealth = "health" // most severe first
	SortName   = "name"
	SortLast   = "last" // latest meeting first, never met last
	SortNext   = "next" // soonest next meeting first, nothing booked last
)

// Tabs of the dashboard: pairs still running, and pairs that have ended.
const (
	TabActive = "active"
	TabEnded  = "ended"
)

// Sorts lists the orders a dashboard can be sorted in.
var Sorts = []string{SortHealth, SortName, SortLast, SortNext}

// States lists the agreement states a dashboard can be filtered by.
var States = []string{agreement.StateNotStarted, agreement.StateDrafting, agreement.StateWaiting,
	agreement.StateActive, agreement.StateEnded}

// Filter says which pairs to show and in what order. Empty fields do not
// filter; Page counts from 1.
type Filter struct {
	// Tab splits running pairs from ended ones: TabActive or TabEnded; empty
	// shows both (the API's default, as before tabs existed).
	Tab      string
	State    string
	Severity string
	Signal   string
	Search   string
	Sort     string
	Page     int
}

// Validate checks the filter's values against what the dashboard knows.
func (f *Filter) Validate() error {
	var v errs.Validation
	v.Check(f.Tab == "" || f.Tab == TabActive || f.Tab == TabEnded, "tab", "dashboard.error.tab")
	v.Check(f.State == "" || slices.Contains(States, f.State), "state", "dashboard.error.state")
	_, ok := health.ParseSeverity(f.Severity)
	v.Check(f.Severity == "" || ok, "severity", "dashboard.error.severity")
	v.Check(f.Signal == "" || slices.Contains(health.Codes, f.Signal), "signal", "dashboard.error.signal")
	v.Check(f.Sort == "" || slices.Contains(Sorts, f.Sort), "sort", "dashboard.error.sort")
	v.Check(f.Page >= 0, "page", "dashboard.error.page")
	v.Check(len(f.Search) <= 200, "q", "dashboard.error.search")
	return v.Err()
}

// Row is one pair as the dashboard shows it: names, states and dates,
// never what the pair wrote.
type Row struct {
	PairID         int64
	Status         string // program.PairActive or PairEnded
	Mentors        []string
	Mentees        []string
	AgreementState string
	Facts          health.Facts
	Health         health.Report
}

// Result is one page of a program's dashboard.
type Result struct {
	Program  *program.Program
	Rows     []Row
	Total    int // pairs matching the filter
	Page     int
	Pages    int
	Counts   map[string]int // pairs of the whole program per severity name
	AllPairs int
	Active   int // running pairs of the whole program
	Ended    int // ended pairs of the whole program
}

// ForCoordinator is the dashboard of a program for one of its coordinators
// or an administrator; anyone else is refused as program.RequireCoordinator
// refuses them.
func ForCoordinator(ctx context.Context, q store.Q, actor *account.User, programID int64, now time.Time, f Filter) (*Result, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	prog, err := program.RequireCoordinatorTx(ctx, q, actor, programID)
	if err != nil {
		return nil, err
	}
	rows, err := load(ctx, q, prog, now)
	if err != nil {
		return nil, err
	}
	// Names are read for every pair only when the filter or the order
	// needs them; otherwise for the one page shown.
	named := f.Search != "" || f.Sort == SortName
	if named {
		if err := loadMembers(ctx, q, prog.ID, rows); err != nil {
			return nil, err
		}
	}
	res := page(prog, rows, f)
	if !named {
		if err := loadMembers(ctx, q, prog.ID, res.Rows); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// NeedsAttention lists the pairs of a program whose health is a warning or
// worse, most severe first, for the coordinators' weekly digest. It does
// not check who asks.
func NeedsAttention(ctx context.Context, q store.Q, programID int64, now time.Time) ([]Row, error) {
	prog, err := program.Get(ctx, q, programID)
	if err != nil {
		return nil, err
	}
	rows, err := load(ctx, q, prog, now)
	if err != nil {
		return nil, err
	}
	rows = slices.DeleteFunc(rows, func(r Row) bool { return r.Health.Severity < health.Warning })
	if err := loadMembers(ctx, q, programID, rows); err != nil {
		return nil, err
	}
	sortRows(rows, SortName)
	sortRows(rows, SortHealth)
	return rows, nil
}

// Rules are the program's rules health is judged by.
func Rules(p *program.Program) health.Rules {
	return health.Rules{Start: p.Start, End: p.End, MinMeetings: p.MinMeetings, MaxGapDays: p.MaxGapDays}
}

func page(prog *program.Program, all []Row, f Filter) *Result {
	res := &Result{Program: prog, Counts: map[string]int{}, AllPairs: len(all)}
	for _, r := range all {
		if r.Status == program.PairActive {
			res.Active++
		} else {
			res.Ended++
		}
		// The severity counts belong to the tab they link into.
		if f.Tab == "" || (f.Tab == TabEnded) == (r.Status != program.PairActive) {
			res.Counts[r.Health.Severity.String()]++
		}
	}
	sev, _ := health.ParseSeverity(f.Severity)
	search := strings.ToLower(strings.TrimSpace(f.Search))
	rows := slices.DeleteFunc(all, func(r Row) bool {
		return (f.Tab == TabActive && r.Status != program.PairActive) ||
			(f.Tab == TabEnded && r.Status == program.PairActive) ||
			(f.State != "" && r.AgreementState != f.State) ||
			(f.Severity != "" && r.Health.Severity != sev) ||
			(f.Signal != "" && !r.Health.Has(f.Signal)) ||
			(search != "" && !matches(r, search))
	})
	sortRows(rows, cmp.Or(f.Sort, SortHealth))
	res.Total = len(rows)
	res.Pages = max(1, (len(rows)+PerPage-1)/PerPage)
	res.Page = min(max(f.Page, 1), res.Pages)
	from := (res.Page - 1) * PerPage
	res.Rows = rows[from:min(from+PerPage, len(rows))]
	return res
}

func matches(r Row, search string) bool {
	for _, n := range slices.Concat(r.Mentors, r.Mentees) {
		if strings.Contains(strings.ToLower(n), search) {
			return true
		}
	}
	return false
}

// sortRows orders rows. Only SortName compares names; the other orders
// break ties by pair, oldest first, so that they need no names and a page
// stays where it was between visits. The sort is stable, so sorting by name
// first and then by another order keeps names as the tie-break.
func sortRows(rows []Row, by string) {
	byID := func(a, b Row) int { return cmp.Compare(a.PairID, b.PairID) }
	if by == SortName {
		// Names are joined once, not in every comparison.
		names := make(map[int64]string, len(rows))
		for _, r := range rows {
			names[r.PairID] = strings.Join(r.Mentors, ", ") + "\x00" + strings.Join(r.Mentees, ", ")
		}
		slices.SortStableFunc(rows, func(a, b Row) int {
			return cmp.Or(cmp.Compare(names[a.PairID], names[b.PairID]), byID(a, b))
		})
		return
	}
	// Pairs without the date sort last in either direction.
	byTime := func(a, b *time.Time, desc bool) int {
		switch {
		case a == nil && b == nil:
			return 0
		case a == nil:
			return 1
		case b == nil:
			return -1
		case desc:
			return b.Compare(*a)
		}
		return a.Compare(*b)
	}
	slices.SortStableFunc(rows, func(a, b Row) int {
		switch by {
		case SortLast:
			return byTime(a.Facts.LastMeeting, b.Facts.LastMeeting, true)
		case SortNext:
			return byTime(a.Facts.NextMeeting, b.Facts.NextMeeting, false)
		}
		return cmp.Or(cmp.Compare(b.Health.Severity, a.Health.Severity),
			cmp.Compare(len(b.Health.Signals), len(a.Health.Signals)))
	})
}

// load reads the facts of every pair of the program in one query and
// judges each pair's health. The names are left to loadMembers.
func load(ctx context.Context, q store.Q, prog *program.Program, now time.Time) ([]Row, error) {
	now = now.UTC()
	rows, err := loadPairs(ctx, q, prog.ID, now)
	if err != nil {
		return nil, err
	}
	rules := Rules(prog)
	for i := range rows {
		rows[i].Health = health.Check(rows[i].Facts, rules, now)
	}
	return rows, nil
}

// loadPairs reads every pair with its facts in one query, from pair_facts:
// one row per pair that triggers keep in step (migration 0020), so the
// work grows with the pairs, not with their history. Which meetings have
// been held and which is next depend on now, so they are worked out here
// from the pair's list of booked meetings.
//
// The agreement columns follow agreement.StatusOf: the newest version and
// how many signed it, and when a version was first signed by both sides.
//
// COALESCE around a time column hides its declared type from the SQLite
// driver, which would otherwise try two layouts on every time; store.AnyTime
// reads the one layout the driver writes.
func loadPairs(ctx context.Context, q store.Q, programID int64, now time.Time) ([]Row, error) {
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM pairs WHERE program_id = ?`, programID).Scan(&n); err != nil {
		return nil, err
	}
	res, err := q.Query(ctx, `SELECT p.id, p.status, COALESCE(p.created_at, NULL), COALESCE(p.ended_at, NULL), COALESCE(e.how, ''),
		f.meetings, f.versions, f.latest_signatures, COALESCE(f.signed_at, NULL),
		CASE WHEN f.open_due <= ? THEN f.open_due END, f.has_chemistry, f.chemistry_no
		FROM pairs p JOIN pair_facts f ON f.pair_id = p.id LEFT JOIN pair_endings e ON e.pair_id = p.id
		WHERE p.program_id = ? ORDER BY p.id`, now, programID)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	rows := make([]Row, 0, n)
	// The times of all pairs live in one slice, not one allocation each.
	times := make([]time.Time, 0, 4*n)
	at := func(t time.Time) *time.Time {
		times = append(times, t)
		return &times[len(times)-1]
	}
	for res.Next() {
		var r Row
		var how, meetings string
		var created, ended, signed, evalDue store.AnyTime
		var versions, signatures int
		var hasChemistry, chemistryNo bool
		if err := res.Scan(&r.PairID, &r.Status, &created, &ended, &how, &meetings,
			&versions, &signatures, &signed, &evalDue, &hasChemistry, &chemistryNo); err != nil {
			return nil, err
		}
		f := &r.Facts
		if created.T != nil {
			f.Created = *created.T
		}
		b, err := program.ReadBooked(meetings, now)
		if err != nil {
			return nil, fmt.Errorf("pair %d: %w", r.PairID, err)
		}
		f.MeetingsHeld = b.Held
		if b.Last != 0 {
			f.LastMeeting = at(time.Unix(b.Last, 0).UTC())
		}
		if b.Next != 0 {
			f.NextMeeting = at(time.Unix(b.Next, 0).UTC())
		}
		var first *time.Time
		if b.First != 0 {
			first = at(time.Unix(b.First, 0).UTC())
		}
		f.Signed, f.EvalDue = signed.T, evalDue.T
		f.ChemistryNo = chemistryNo
		// A chemistry check nobody has opened has no row yet; it is due a
		// window after the first meeting, as evaluation.DueFor counts it.
		if !hasChemistry && first != nil {
			if due := first.Add(evaluation.ChemistryWindow); !due.After(now) && (f.EvalDue == nil || due.Before(*f.EvalDue)) {
				f.EvalDue = at(due)
			}
		}
		switch {
		case r.Status != program.PairActive:
			t := f.Created
			if ended.T != nil {
				t = *ended.T
			}
			f.Ended, f.EndedOnPlan = &t, how == "planned"
			f.EvalDue, f.ChemistryNo = nil, false
			r.AgreementState = agreement.StateEnded
		case f.Signed != nil:
			r.AgreementState = agreement.StateActive
		case versions == 0:
			r.AgreementState = agreement.StateNotStarted
		case signatures > 0:
			r.AgreementState = agreement.StateWaiting
		default:
			r.AgreementState = agreement.StateDrafting
		}
		rows = append(rows, r)
	}
	return rows, res.Err()
}

// loadMembers fills in the names of the given pairs of a program: a page's
// by their ids, many by reading the whole program's.
func loadMembers(ctx context.Context, q store.Q, programID int64, rows []Row) error {
	if len(rows) == 0 {
		return nil
	}
	index := make(map[int64]int, len(rows))
	ids := make([]int64, 0, len(rows))
	for i, r := range rows {
		index[r.PairID] = i
		ids = append(ids, r.PairID)
	}
	if len(ids) > PerPage {
		ids = nil
	}
	err := eachMember(ctx, q, programID, ids, func(pairID int64, mentor bool, name string) {
		if i, ok := index[pairID]; ok {
			addName(&rows[i].Mentors, &rows[i].Mentees, mentor, name)
		}
	})
	if err != nil {
		return err
	}
	// Sorting the few names of each pair here spares the database a sort
	// of every member of the program.
	for i := range rows {
		slices.Sort(rows[i].Mentors)
		slices.Sort(rows[i].Mentees)
	}
	return nil
}

// eachMember calls add for every member of the program's pairs, or of the
// pairs in ids only when ids is not empty, in no particular order.
func eachMember(ctx context.Context, q store.Q, programID int64, ids []int64, add func(pairID int64, mentor bool, name string)) error {
	query := `SELECT pm.pair_id, pm.side, u.name FROM pair_members pm
		JOIN pairs p ON p.id = pm.pair_id JOIN users u ON u.id = pm.user_id
		WHERE p.program_id = ?`
	args := []any{programID}
	if len(ids) > 0 {
		query += ` AND pm.pair_id IN (?` + strings.Repeat(", ?", len(ids)-1) + `)`
		for _, id := range ids {
			args = append(args, id)
		}
	}
	res, err := q.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer res.Close()
	for res.Next() {
		var pairID int64
		var side, name string
		if err := res.Scan(&pairID, &side, &name); err != nil {
			return err
		}
		add(pairID, side == program.SideMentor, name)
	}
	return res.Err()
}

func addName(mentors, mentees *[]string, mentor bool, name string) {
	if mentor {
		*mentors = append(*mentors, name)
	} else {
		*mentees = append(*mentees, name)
	}
}
