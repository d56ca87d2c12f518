package dashboard

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// anSeed writes rows straight into the tables the analytics read, so that
// each figure below can be worked out by hand.
type anSeed struct {
	t   testing.TB
	db  *store.DB
	ctx context.Context
	n   int
}

func (s *anSeed) exec(query string, args ...any) {
	s.t.Helper()
	err := s.db.Tx(s.ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(s.ctx, query, args...)
		return err
	})
	if err != nil {
		s.t.Fatalf("%s: %v", query, err)
	}
}

func (s *anSeed) insert(query string, args ...any) int64 {
	s.t.Helper()
	var id int64
	err := s.db.Tx(s.ctx, func(tx *store.Tx) error {
		return tx.QueryRow(s.ctx, query+" RETURNING id", args...).Scan(&id)
	})
	if err != nil {
		s.t.Fatalf("%s: %v", query, err)
	}
	return id
}

func (s *anSeed) user(name, role string) *account.User {
	s.n++
	email := fmt.Sprintf("u%d@example.org", s.n)
	id := s.insert(`INSERT INTO users (email, name, password_hash, role, created_at) VALUES (?, ?, 'x', ?, ?)`,
		email, name, role, day(1, 1))
	return &account.User{ID: id, Email: email, Name: name, Role: role}
}

func (s *anSeed) program(coord *account.User) int64 {
	s.n++
	id := s.insert(`INSERT INTO programs (name, start_date, end_date, min_meetings, max_gap_days, meeting_min_minutes,
		meeting_max_minutes, messages_allowed, eval_followup, eval_midpoint, eval_final, default_language, join_token,
		created_at, updated_at) VALUES (?, '2026-01-01', '2026-12-31', 4, 31, 30, 120, ?, ?, ?, ?, 'en', ?, ?, ?)`,
		fmt.Sprintf("Program %d", s.n), true, true, true, true, fmt.Sprintf("tok%d", s.n), day(1, 1), day(1, 1))
	s.exec(`INSERT INTO program_coordinators (program_id, user_id) VALUES (?, ?)`, id, coord.ID)
	return id
}

func (s *anSeed) pair(programID int64, created time.Time, mentor, mentee *account.User) int64 {
	id := s.insert(`INSERT INTO pairs (program_id, created_at) VALUES (?, ?)`, programID, created)
	s.exec(`INSERT INTO pair_members (pair_id, user_id, side) VALUES (?, ?, 'mentor')`, id, mentor.ID)
	s.exec(`INSERT INTO pair_members (pair_id, user_id, side) VALUES (?, ?, 'mentee')`, id, mentee.ID)
	return id
}

func (s *anSeed) meeting(pairID int64, status string, at time.Time, late bool) {
	s.n++
	s.exec(`INSERT INTO meetings (pair_id, uid, status, starts_at, timezone, minutes, place, cancel_reason, late_cancel,
		created_at, updated_at) VALUES (?, ?, ?, ?, 'Europe/Oslo', 60, 'SECRET-PLACE', 'SECRET-REASON', ?, ?, ?)`,
		pairID, fmt.Sprintf("m%d@test", s.n), status, at, late, day(1, 1), day(1, 1))
}

// version saves an agreement version and the given signatures on it.
func (s *anSeed) version(pairID int64, number int, signers map[*account.User]string, at time.Time) {
	hash := strings.Repeat(fmt.Sprintf("%x", number%16), 64)
	vid := s.insert(`INSERT INTO agreement_versions (pair_id, number, content, hash, created_at) VALUES (?, ?, ?, ?, ?)`,
		pairID, number, `{"text":"SECRET-AGREEMENT"}`, hash, at)
	for u, side := range signers {
		s.exec(`INSERT INTO agreement_signatures (version_id, user_id, name, side, typed_name, hash, signed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, vid, u.ID, u.Name, side, u.Name, hash, at)
	}
}

func (s *anSeed) end(pairID int64, how string, at time.Time) {
	s.exec(`UPDATE pairs SET status = 'ended', ended_at = ? WHERE id = ?`, at, pairID)
	s.exec(`INSERT INTO pair_endings (pair_id, how, reason, ended_at) VALUES (?, ?, 'SECRET-END', ?)`, pairID, how, at)
}

// goal adds a goal stored as the goal package stores it: its progress
// agrees with its status.
func (s *anSeed) goal(pairID int64, status string, parent int64) int64 {
	var p any
	if parent != 0 {
		p = parent
	}
	progress := map[string]int{"reached": 100, "in_progress": 50}[status]
	return s.insert(`INSERT INTO goals (pair_id, parent_id, title, status, progress, created_at, updated_at)
		VALUES (?, ?, 'SECRET-GOAL', ?, ?, ?, ?)`, pairID, p, status, progress, day(1, 1), day(1, 1))
}

func (s *anSeed) chemistry(pairID int64, due time.Time, answers map[*account.User]string) {
	cid := s.insert(`INSERT INTO checkpoints (pair_id, kind, due_at, created_at, updated_at) VALUES (?, 'chemistry', ?, ?, ?)`,
		pairID, due, due, due)
	for u, a := range answers {
		s.exec(`INSERT INTO checkpoint_responses (checkpoint_id, user_id, submitted_at) VALUES (?, ?, ?)`, cid, u.ID, due)
		s.exec(`INSERT INTO chemistry_answers (checkpoint_id, user_id, answer, comment, updated_at) VALUES (?, ?, ?, 'SECRET-CHEM', ?)`,
			cid, u.ID, a, due)
	}
}

func day(month, d int) time.Time { return time.Date(2026, time.Month(month), d, 10, 0, 0, 0, time.UTC) }

// anNow is "now" in these tests.
var anNow = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

type anScene struct {
	prog, other          int64
	coord, stranger      *account.User
	participant          *account.User
	a, b, c, d, e, f     int64
	tricky, trickyMentee *account.User
}

// newAnScene seeds one pair per state in a program, and a second program
// whose figures must never leak into the first.
func newAnScene(t testing.TB, db *store.DB) (*anSeed, anScene) {
	s := &anSeed{t: t, db: db, ctx: context.Background()}
	var sc anScene
	sc.coord = s.user("Cora Coordinator", account.RoleCoordinator)
	sc.stranger = s.user("Sam Stranger", account.RoleCoordinator)
	sc.prog = s.program(sc.coord)
	sc.other = s.program(sc.stranger)
	sc.tricky = s.user(`=HYPERLINK("http://evil.example")`, account.RoleMember)
	sc.trickyMentee = s.user("Doe, \"Jane\"\nSmith", account.RoleMember)
	sc.participant = sc.trickyMentee
	s.exec(`INSERT INTO participants (program_id, user_id, role, created_at, updated_at) VALUES (?, ?, 'mentee', ?, ?)`,
		sc.prog, sc.trickyMentee.ID, day(1, 1), day(1, 1))
	m := func(name string) *account.User { return s.user(name, account.RoleMember) }
	bm, be := m("Bo Mentor"), m("Bea Mentee")
	cm, ce := m("+Carl Mentor"), m("@Cat Mentee")
	dm, de := m("Dan Mentor"), m("-Dee Mentee")

	sc.a = s.pair(sc.prog, day(1, 1), sc.tricky, sc.trickyMentee)
	s.meeting(sc.a, "confirmed", day(1, 5), false)  // first, 4 days in
	s.meeting(sc.a, "confirmed", day(2, 10), false) // held
	s.meeting(sc.a, "cancelled", day(2, 20), true)  // cancelled late
	s.meeting(sc.a, "confirmed", day(7, 1), false)  // still to come
	s.goal(sc.a, "reached", 0)
	s.goal(sc.a, "open", 0)
	parent := s.goal(sc.a, "in_progress", 0)
	s.goal(sc.a, "reached", parent) // sub-goals are not counted themselves
	s.goal(sc.a, "open", parent)    // but make their goal 50 %: in progress
	// A goal whose sub-goals are all reached is reached, as its page says,
	// whatever its own stored status.
	done := s.goal(sc.a, "open", 0)
	s.goal(sc.a, "reached", done)
	s.goal(sc.a, "reached", done)
	s.goal(sc.a, "dropped", 0)
	s.chemistry(sc.a, day(1, 10), map[*account.User]string{sc.tricky: "yes"})

	sc.b = s.pair(sc.prog, day(1, 10), bm, be)
	s.version(sc.b, 1, nil, day(1, 12))
	s.meeting(sc.b, "confirmed", day(3, 1), false) // 50 days in
	s.chemistry(sc.b, day(3, 5), map[*account.User]string{be: "no"})

	sc.c = s.pair(sc.prog, day(2, 1), cm, ce)
	s.version(sc.c, 1, map[*account.User]string{cm: "mentor"}, day(2, 3))

	sc.d = s.pair(sc.prog, day(2, 1), dm, de)
	s.version(sc.d, 1, map[*account.User]string{dm: "mentor"}, day(2, 2))
	s.version(sc.d, 2, map[*account.User]string{dm: "mentor", de: "mentee"}, day(2, 4))
	s.version(sc.d, 3, nil, day(3, 1))                               // an amendment nobody signed yet
	s.meeting(sc.d, "confirmed", day(2, 10), false)                  // 9 days in
	s.meeting(sc.d, "proposed", day(6, 20), false)                   // next
	s.meeting(sc.d, "confirmed", day(6, 15).Add(3*time.Hour), false) // later today: planned, not held

	sc.e = s.pair(sc.prog, day(1, 1), m("Eve Mentor"), m("Eli Mentee"))
	s.end(sc.e, "member", day(3, 3))
	sc.f = s.pair(sc.prog, day(1, 1), m("Fay Mentor"), m("Finn Mentee"))
	s.end(sc.f, "planned", day(5, 31))

	x := s.pair(sc.other, day(1, 1), m("Xena Mentor"), m("Xavi Mentee"))
	s.meeting(x, "confirmed", day(1, 20), false)
	s.meeting(x, "cancelled", day(4, 20), false)
	s.goal(x, "reached", 0)
	s.chemistry(x, day(1, 25), map[*account.User]string{sc.stranger: "unsure"})
	return s, sc
}

func TestProgramAnalyticsCounts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		_, sc := newAnScene(t, db)
		a, err := ProgramAnalytics(context.Background(), db, sc.prog, anNow)
		if err != nil {
			t.Fatal(err)
		}
		wantMonths := []Month{{"2026-01", 1, 0}, {"2026-02", 2, 1}, {"2026-03", 1, 0}}
		if fmt.Sprint(a.Months) != fmt.Sprint(wantMonths) {
			t.Errorf("months = %v, want %v", a.Months, wantMonths)
		}
		states := map[string]int{}
		for _, s := range a.PairStates {
			states[s.State] = s.Count
		}
		for _, st := range PairStates {
			if states[st] != 1 {
				t.Errorf("state %s = %d, want 1 (%v)", st, states[st], a.PairStates)
			}
		}
		if a.Pairs != 6 {
			t.Errorf("pairs = %d, want 6", a.Pairs)
		}
		if a.Goals != (GoalCounts{Reached: 2, Open: 2, Dropped: 1}) {
			t.Errorf("goals = %+v", a.Goals)
		}
		if a.Chemistry != (ChoiceCounts{Yes: 1, No: 1}) {
			t.Errorf("chemistry = %+v", a.Chemistry)
		}
		if c := a.Checkpoints[0]; c.Kind != "chemistry" || c.Expected != 4 || c.Answered != 2 {
			t.Errorf("chemistry completion = %+v", c)
		}
		fm := a.FirstMeeting
		if fmt.Sprint(fm.Buckets) != "[1 1 0 1 0]" || fm.Met != 3 || fm.NotYet != 3 {
			t.Errorf("first meeting = %+v", fm)
		}
		if fm.MedianDays != 9 {
			t.Errorf("median = %v, want 9", fm.MedianDays)
		}
	})
}

func TestProgramAnalyticsEmptyProgram(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := &anSeed{t: t, db: db, ctx: context.Background()}
		prog := s.program(s.user("C", account.RoleCoordinator))
		a, err := ProgramAnalytics(context.Background(), db, prog, anNow)
		if err != nil {
			t.Fatal(err)
		}
		if a.Pairs != 0 || len(a.Months) != 0 || a.FirstMeeting.MedianDays != 0 || a.FirstMeeting.NotYet != 0 {
			t.Errorf("empty program: %+v", a)
		}
	})
}

func TestAnalyticsAccess(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, sc := newAnScene(t, db)
		admin := s.user("Ada Admin", account.RoleAdmin)
		ctx := context.Background()
		for _, tc := range []struct {
			who  *account.User
			kind errs.Kind
		}{
			{nil, errs.Unauthorized},
			{sc.participant, errs.Forbidden},
			{sc.stranger, errs.NotFound},
			{sc.coord, 0},
			{admin, 0},
		} {
			_, _, err := Load(ctx, db, tc.who, sc.prog, anNow)
			_, _, err2 := ExportPairs(ctx, db, tc.who, sc.prog, anNow)
			_, _, err3 := ExportMeetings(ctx, db, tc.who, sc.prog, anNow)
			for _, e := range []error{err, err2, err3} {
				if tc.kind == 0 && e != nil {
					t.Errorf("%v: %v", tc.who, e)
				}
				if tc.kind != 0 && !errs.Is(e, tc.kind) {
					t.Errorf("%v: got %v, want kind %v", tc.who, e, tc.kind)
				}
			}
		}
		// Two exports each by the coordinator and the administrator; the
		// refused ones left nothing.
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND program_id = ?`, sc.prog).Scan(&n); err != nil || n != 4 {
			t.Errorf("audit rows = %d (%v), want 4", n, err)
		}
	})
}

func TestPairsCSV(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		_, sc := newAnScene(t, db)
		rows, err := PairRows(context.Background(), db, sc.prog, anNow)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WritePairsCSV(&buf, rows, Codes); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(buf.String(), "SECRET") {
			t.Fatalf("export leaks confidential text:\n%s", buf.String())
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 7 || strings.Join(recs[0], ",") != strings.Join(PairColumns, ",") {
			t.Fatalf("records: %q", recs)
		}
		byID := map[string][]string{}
		for _, r := range recs[1:] {
			byID[r[0]] = r
		}
		a := byID[fmt.Sprint(sc.a)]
		want := []string{fmt.Sprint(sc.a), `'=HYPERLINK("http://evil.example")`, "Doe, \"Jane\"\nSmith",
			"2026-01-01T10:00:00Z", "", "not_started", "", "2", "2026-02-10T10:00:00Z", "2026-07-01T10:00:00Z"}
		if fmt.Sprintf("%q", a) != fmt.Sprintf("%q", want) {
			t.Errorf("pair A:\n got %q\nwant %q", a, want)
		}
		d := byID[fmt.Sprint(sc.d)]
		if d[2] != "'-Dee Mentee" || d[5] != "active" || d[6] != "2026-02-04T10:00:00Z" || d[7] != "1" || d[9] != "2026-06-15T13:00:00Z" {
			t.Errorf("pair D: %q", d)
		}
		c := byID[fmt.Sprint(sc.c)]
		if c[1] != "'+Carl Mentor" || c[2] != "'@Cat Mentee" || c[5] != "waiting" || c[7] != "0" || c[8] != "" {
			t.Errorf("pair C: %q", c)
		}
		if e := byID[fmt.Sprint(sc.e)]; e[4] != "2026-03-03T10:00:00Z" || e[5] != "ended_early" {
			t.Errorf("pair E: %q", e)
		}
	})
}

func TestMeetingsCSV(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		_, sc := newAnScene(t, db)
		rows, err := MeetingRows(context.Background(), db, sc.prog, anNow)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WriteMeetingsCSV(&buf, rows, Codes); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(buf.String(), "SECRET") || strings.Contains(buf.String(), "Oslo") {
			t.Fatalf("export leaks meeting details:\n%s", buf.String())
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range recs[1:] {
			got = append(got, strings.Join(r, " "))
		}
		a, b, d := sc.a, sc.b, sc.d
		want := []string{
			fmt.Sprintf("%d 2026-01-05T10:00:00Z 60 held no", a),
			fmt.Sprintf("%d 2026-02-10T10:00:00Z 60 held no", a),
			fmt.Sprintf("%d 2026-02-10T10:00:00Z 60 held no", d),
			fmt.Sprintf("%d 2026-02-20T10:00:00Z 60 cancelled yes", a),
			fmt.Sprintf("%d 2026-03-01T10:00:00Z 60 held no", b),
			fmt.Sprintf("%d 2026-06-15T13:00:00Z 60 planned no", d),
			fmt.Sprintf("%d 2026-06-20T10:00:00Z 60 proposed no", d),
			fmt.Sprintf("%d 2026-07-01T10:00:00Z 60 planned no", a),
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("meetings:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

func TestSafeCell(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+1": "'+1", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)", "\t=x": "'\t=x", "\r=x": "'\r=x",
		"Anna": "Anna", "": "", "a=b": "a=b", "2026-01-01": "2026-01-01",
	} {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestProgramAnalyticsEvaluation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, sc := newAnScene(t, db)
		s.exec(`INSERT INTO evaluation_settings (program_id, share_text, updated_at) VALUES (?, ?, ?)`, sc.prog, true, day(1, 1))
		question := func(qtype string, pos int) int64 {
			id := s.insert(`INSERT INTO evaluation_questions (program_id, kind, qtype, position, created_at) VALUES (?, 'followup', ?, ?, ?)`,
				sc.prog, qtype, pos, day(1, 1))
			s.exec(`INSERT INTO evaluation_question_texts (question_id, language, prompt) VALUES (?, 'en', ?)`, id, "Prompt "+qtype)
			return id
		}
		scale, yesno, text := question("scale", 0), question("yesno", 1), question("text", 2)
		cid := s.insert(`INSERT INTO checkpoints (pair_id, kind, due_at, created_at, updated_at) VALUES (?, 'followup', ?, ?, ?)`,
			sc.a, day(2, 1), day(2, 1), day(2, 1))
		for i, u := range []*account.User{sc.tricky, sc.trickyMentee} {
			s.exec(`INSERT INTO checkpoint_responses (checkpoint_id, user_id, submitted_at) VALUES (?, ?, ?)`, cid, u.ID, day(2, 2))
			s.exec(`INSERT INTO evaluation_answers (checkpoint_id, user_id, question_id, value) VALUES (?, ?, ?, ?)`, cid, u.ID, scale, 4-2*i)
			s.exec(`INSERT INTO evaluation_answers (checkpoint_id, user_id, question_id, value) VALUES (?, ?, ?, ?)`, cid, u.ID, yesno, 1-i)
			s.exec(`INSERT INTO evaluation_answers (checkpoint_id, user_id, question_id, text) VALUES (?, ?, ?, 'SECRET-TEXT')`, cid, u.ID, text)
		}
		a, err := ProgramAnalytics(context.Background(), db, sc.prog, anNow)
		if err != nil {
			t.Fatal(err)
		}
		k := a.Evaluation.Kind("followup")
		if k == nil || k.Responses != 2 || len(k.Questions) != 3 {
			t.Fatalf("followup results: %+v", k)
		}
		if q := k.Questions[0]; q.Average != 3 || q.Count != 2 {
			t.Errorf("scale: %+v", q)
		}
		if q := k.Questions[1]; q.Yes() != 1 || q.No() != 1 {
			t.Errorf("yes/no: %+v", q)
		}
		if q := k.Questions[2]; q.Texts != nil {
			t.Errorf("free text reached the analytics: %+v", q)
		}
		if c := a.Checkpoints[1]; c.Kind != "followup" || c.Expected != 2 || c.Answered != 2 {
			t.Errorf("followup completion: %+v", c)
		}
	})
}
