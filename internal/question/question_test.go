package question_test

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/clock"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/matching"
	"mentorskap/internal/program"
	"mentorskap/internal/question"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
	"mentorskap/internal/testtool"
)

func TestMain(m *testing.M) {
	testtool.RaiseParallel(4)
	account.UseCheapHashesForTests()
	os.Exit(storetest.Run(m))
}

type env struct {
	t     *testing.T
	db    *store.DB
	clk   *clock.Fixed
	qs    *question.Service
	progs *program.Service
	coord *account.User
	prog  *program.Program
	n     int
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	clk := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	e := &env{t: t, db: db, clk: clk, qs: &question.Service{DB: db, Clock: clk}, progs: &program.Service{DB: db, Clock: clk}}
	e.coord = e.user("Cora", account.RoleCoordinator)
	e.prog = e.program(e.coord, "Spring")
	return e
}

func (e *env) program(coord *account.User, name string) *program.Program {
	e.t.Helper()
	st := program.SettingsOf(program.Defaults(e.clk.Now(), "nb"))
	st.Name = name
	p, err := e.progs.Create(context.Background(), coord, st)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) user(name, role string) *account.User {
	e.t.Helper()
	e.n++
	u := &account.User{Name: name, Email: "q" + strconv.Itoa(e.n) + "@example.org", Role: role, Language: "en", Timezone: "UTC"}
	if err := e.db.Tx(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO users (email, name, password_hash, role, language, timezone, created_at)
		VALUES (?, ?, 'x', ?, 'en', 'UTC', ?) RETURNING id`, u.Email, name, role, e.clk.Now()).Scan(&u.ID)
	}); err != nil {
		e.t.Fatal(err)
	}
	return u
}

// join adds an approved participant who speaks English.
func (e *env) join(prog *program.Program, role, name string) *account.User {
	e.t.Helper()
	u := e.user(name, account.RoleMember)
	now := e.clk.Now()
	if err := e.db.Tx(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Exec(context.Background(), `INSERT INTO participants (program_id, user_id, role, status,
		languages, capacity, created_at, updated_at) VALUES (?, ?, ?, 'approved', 'en', 2, ?, ?)`,
			prog.ID, u.ID, role, now, now)
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *env) add(in question.Input) question.Question {
	e.t.Helper()
	if in.Audience == "" {
		in.Audience = question.AudienceAll
	}
	if in.Visibility == "" {
		in.Visibility = question.VisibleCoordinator
	}
	id, err := e.qs.Add(context.Background(), e.coord, e.prog.ID, "en", in)
	if err != nil {
		e.t.Fatal(err)
	}
	_, q, err := e.qs.Get(context.Background(), e.coord, e.prog.ID, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return *q
}

func opt(q question.Question, k int) string { return strconv.FormatInt(q.Options[k].ID, 10) }

func wantFields(t *testing.T, err error, fields ...string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != errs.Invalid {
		t.Fatalf("got %v, want invalid", err)
	}
	for _, f := range fields {
		if _, ok := e.Fields[f]; !ok {
			t.Errorf("no error on %s: %v", f, e.Fields)
		}
	}
}

func TestQuestionsAndAnswers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		// A choice question needs options; nothing is added.
		_, err := e.qs.Add(ctx, e.coord, e.prog.ID, "en", question.Input{Kind: question.KindOne, Label: "Status",
			Audience: question.AudienceAll, Visibility: question.VisibleCoordinator})
		wantFields(t, err, "options")
		status := e.add(question.Input{Kind: question.KindOne, Label: "Status", Options: "Working\nStudying\nLooking", Required: true})
		years := e.add(question.Input{Kind: question.KindNumber, Label: "Years in Norway"})
		arrived := e.add(question.Input{Kind: question.KindDate, Label: "Arrived"})
		langs := e.add(question.Input{Kind: question.KindMany, Label: "Languages at work", Options: "Norwegian\nEnglish"})
		mentorOnly := e.add(question.Input{Kind: question.KindShort, Label: "Employer", Audience: question.AudienceMentor})

		mentee := e.join(e.prog, program.SideMentee, "Mia")
		m, err := e.qs.Mine(ctx, mentee, e.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range m.Questions {
			if q.ID == mentorOnly.ID {
				t.Error("a mentee is asked a mentor-only question")
			}
		}
		// Everything wrong at once: nothing is saved.
		err = e.qs.SaveMine(ctx, mentee, e.prog.ID, map[int64][]string{status.ID: {""}, years.ID: {"many"},
			arrived.ID: {"2026-13-01"}, langs.ID: {"99999"}})
		wantFields(t, err, question.Field(status.ID), question.Field(years.ID), question.Field(arrived.ID), question.Field(langs.ID))
		if got, _ := question.AnswersOf(ctx, db, m.Participant.ID); len(got) != 0 {
			t.Fatalf("invalid answers saved: %v", got)
		}
		// Two options on a one-choice question.
		err = e.qs.SaveMine(ctx, mentee, e.prog.ID, map[int64][]string{status.ID: {opt(status, 0), opt(status, 1)}})
		wantFields(t, err, question.Field(status.ID))
		// A question of the mentor's is not the mentee's to answer.
		err = e.qs.SaveMine(ctx, mentee, e.prog.ID, map[int64][]string{status.ID: {opt(status, 0)}, mentorOnly.ID: {"Acme"}})
		wantFields(t, err, question.Field(mentorOnly.ID))

		if err := e.qs.SaveMine(ctx, mentee, e.prog.ID, map[int64][]string{status.ID: {opt(status, 1)}, years.ID: {"3,5"},
			arrived.ID: {"2022-08-15"}, langs.ID: {opt(langs, 0), opt(langs, 1)}}); err != nil {
			t.Fatal(err)
		}
		got, _ := question.AnswersOf(ctx, db, m.Participant.ID)
		if got[years.ID] != "3.5" || got[arrived.ID] != "2022-08-15" || got[status.ID] != opt(status, 1) {
			t.Errorf("stored %v", got)
		}
		if d := langs.Display(got[langs.ID], "nb"); d != "Norwegian, English" {
			t.Errorf("display %q", d)
		}
		// Leaving the required question out of a later save keeps it.
		if err := e.qs.SaveMine(ctx, mentee, e.prog.ID, map[int64][]string{years.ID: {"4"}}); err != nil {
			t.Fatal(err)
		}
		// A translation shows in its language; others fall back.
		if err := e.qs.Edit(ctx, e.coord, e.prog.ID, status.ID, "nb", question.Input{Label: "Situasjon",
			Options: "I arbeid\nStuderer\nSøker jobb", Required: true, Audience: question.AudienceAll, Visibility: question.VisibleCoordinator}); err != nil {
			t.Fatal(err)
		}
		_, q, _ := e.qs.Get(ctx, e.coord, e.prog.ID, status.ID)
		if q.Text("nb") != "Situasjon" || q.Text("sv") != "Situasjon" || q.Text("en") != "Status" {
			t.Errorf("labels %v (program default nb)", q.Label)
		}
		// An option someone chose cannot be dropped.
		err = e.qs.Edit(ctx, e.coord, e.prog.ID, status.ID, "en", question.Input{Label: "Status", Options: "Working",
			Audience: question.AudienceAll, Visibility: question.VisibleCoordinator})
		wantFields(t, err, "options")
	})
}

func TestQuestionsVisibility(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		shared := e.add(question.Input{Kind: question.KindShort, Label: "Hobby", Visibility: question.VisiblePartner})
		private := e.add(question.Input{Kind: question.KindShort, Label: "Health needs"})
		mentee := e.join(e.prog, program.SideMentee, "Mia")
		if err := e.qs.SaveMine(ctx, mentee, e.prog.ID, map[int64][]string{shared.ID: {"Climbing"}, private.ID: {"Quiet rooms"}}); err != nil {
			t.Fatal(err)
		}
		got, err := question.ForPartners(ctx, db, e.prog.ID, []int64{mentee.ID}, "en")
		if err != nil {
			t.Fatal(err)
		}
		if len(got[mentee.ID]) != 1 || got[mentee.ID][0].Answer != "Climbing" {
			t.Errorf("partner sees %v, want only the hobby", got)
		}
		// Another program's coordinator sees nothing of this one.
		other := e.user("Otto", account.RoleCoordinator)
		e.program(other, "Autumn")
		if _, err := e.qs.Editor(ctx, other, e.prog.ID); err == nil {
			t.Error("another program's coordinator read the questions")
		}
		if _, err := e.qs.Roster(ctx, other, e.prog.ID, program.ParticipantFilter{}, true); err == nil {
			t.Error("another program's coordinator exported the answers")
		}
		if _, err := e.qs.Add(ctx, mentee, e.prog.ID, "en", question.Input{Kind: question.KindShort, Label: "X",
			Audience: question.AudienceAll, Visibility: question.VisibleCoordinator}); err == nil {
			t.Error("a participant added a question")
		}
		// The coordinator's export has every answer.
		ro, err := e.qs.Roster(ctx, e.coord, e.prog.ID, program.ParticipantFilter{}, true)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		id := func(s string) string { return s }
		if err := ro.WriteCSV(&buf, question.ExportHeader{Name: "name", Email: "email", Role: "role", Status: "status",
			Organisation: "organisation", Field: "field", RoleName: id, StatusName: id}, "en", id); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Hobby", "Health needs", "Climbing", "Quiet rooms", "Mia"} {
			if !strings.Contains(buf.String(), want) {
				t.Errorf("export lacks %q:\n%s", want, buf.String())
			}
		}
		ro.Filter(shared.ID, "climb", "en")
		if len(ro.Participants) != 1 {
			t.Errorf("filter by answer kept %d", len(ro.Participants))
		}
		ro.Filter(shared.ID, "sailing", "en")
		if len(ro.Participants) != 0 {
			t.Errorf("filter by another answer kept %d", len(ro.Participants))
		}
	})
}

func TestQuestionInMatching(t *testing.T) {
	t.Parallel()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		sector := e.add(question.Input{Kind: question.KindOne, Label: "Sector", Options: "Health\nBuilding"})
		if err := e.qs.Edit(ctx, e.coord, e.prog.ID, sector.ID, "nb", question.Input{Label: "Bransje", Options: "Helse\nBygg",
			Audience: question.AudienceAll, Visibility: question.VisibleCoordinator}); err != nil {
			t.Fatal(err)
		}
		mia := e.join(e.prog, program.SideMentee, "Mia")
		hal := e.join(e.prog, program.SideMentor, "Hal")
		bo := e.join(e.prog, program.SideMentor, "Bo")
		answer := func(u *account.User, k int) {
			if err := e.qs.SaveMine(ctx, u, e.prog.ID, map[int64][]string{sector.ID: {opt(sector, k)}}); err != nil {
				t.Fatal(err)
			}
		}
		answer(mia, 0)
		answer(hal, 0)
		answer(bo, 1)
		scores := func() (same, diff int64, sc *matching.Scorer) {
			set, err := matching.LoadSettings(ctx, db, e.prog.ID)
			if err != nil {
				t.Fatal(err)
			}
			all, _ := program.ListParticipants(ctx, db, e.prog.ID, program.ParticipantFilter{})
			var mentees, mentors []program.Participant
			for _, p := range all {
				if p.Role == program.SideMentee {
					mentees = append(mentees, p)
				} else {
					mentors = append(mentors, p)
				}
			}
			sc = matching.NewScorer(mentees, mentors, set)
			for j, m := range mentors {
				s, _ := sc.Score(0, j)
				if m.UserID == hal.ID {
					same = s
				} else {
					diff = s
				}
			}
			return same, diff, sc
		}
		same, diff, _ := scores()
		if same != diff {
			t.Fatalf("before the question counts: %d and %d", same, diff)
		}
		if err := e.qs.SetCriterion(ctx, e.coord, e.prog.ID, sector.ID, question.Criterion{Mode: question.MatchSame, Weight: 5}); err != nil {
			t.Fatal(err)
		}
		same, diff, sc := scores()
		if same != diff+500 {
			t.Errorf("same sector %d, other %d: want 500 more", same, diff)
		}
		var found bool
		for j, m := range sc.Mentors() {
			for _, r := range sc.Explain(0, j) {
				if m.UserID == hal.ID && r.Key == "question.why.same" {
					found = true
					if s := r.Localize(bundle.Locale("nb")); !strings.Contains(s, "Bransje") || !strings.Contains(s, "Helse") {
						t.Errorf("reason in nb: %q", s)
					}
				}
			}
		}
		if !found {
			t.Error("no reason names the question")
		}
		// A table: Health with Building scores 80.
		if err := e.qs.SetCriterion(ctx, e.coord, e.prog.ID, sector.ID, question.Criterion{Mode: question.MatchTable, Weight: 5,
			Points: map[[2]int64]int{{sector.Options[0].ID, sector.Options[1].ID}: 80}}); err != nil {
			t.Fatal(err)
		}
		same, diff, _ = scores()
		if diff != same+400 {
			t.Errorf("table: same %d, other %d: want 400 more for the other", same, diff)
		}
		// Weight 10 is a hard rule: the mentor with another answer is out.
		if err := e.qs.SetCriterion(ctx, e.coord, e.prog.ID, sector.ID, question.Criterion{Mode: question.MatchSame, Weight: matching.MustMatch}); err != nil {
			t.Fatal(err)
		}
		_, _, sc = scores()
		for j, m := range sc.Mentors() {
			if _, ok := sc.Score(0, j); ok == (m.UserID == bo.ID) {
				t.Errorf("must-match: %s allowed %v", m.Name, ok)
			}
		}
		// Only choice questions count.
		text := e.add(question.Input{Kind: question.KindShort, Label: "Free"})
		err := e.qs.SetCriterion(ctx, e.coord, e.prog.ID, text.ID, question.Criterion{Mode: question.MatchSame, Weight: 3})
		wantFields(t, err, "match_mode")
	})
}

func TestRemoveKeepsAnswersCopyAndReport(t *testing.T) {
	t.Parallel()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		gender := e.add(question.Input{Kind: question.KindOne, Label: "Gender", Options: "Woman\nMan\nOther", Reporting: true})
		note := e.add(question.Input{Kind: question.KindLong, Label: "Anything else"})
		var people []*account.User
		for k := range 6 {
			u := e.join(e.prog, program.SideMentee, "P"+strconv.Itoa(k))
			people = append(people, u)
			if err := e.qs.SaveMine(ctx, u, e.prog.ID, map[int64][]string{gender.ID: {opt(gender, k%2)}, note.ID: {"hi"}}); err != nil {
				t.Fatal(err)
			}
		}
		tables, err := (&question.Reports{DB: db, I18n: bundle}).ReportTables(ctx, e.prog.ID, e.clk.Now().AddDate(0, -1, 0), e.clk.Now().AddDate(0, 0, 1), "en")
		if err != nil {
			t.Fatal(err)
		}
		if len(tables) != 1 || !tables[0].People || tables[0].Title != "Gender" {
			t.Fatalf("tables %+v", tables)
		}
		for _, c := range tables[0].Counts {
			if (c.Label == "Woman" || c.Label == "Man") && c.N != 3 || c.Label == "Other" && c.N != 0 {
				t.Errorf("count %+v", c)
			}
		}

		n, err := e.qs.Remove(ctx, e.coord, e.prog.ID, note.ID)
		if err != nil || n != 6 {
			t.Fatalf("remove: %d answers, %v", n, err)
		}
		m, _ := e.qs.Mine(ctx, people[0], e.prog.ID)
		if len(m.Questions) != 1 {
			t.Errorf("a removed question is still asked")
		}
		if a, _ := question.AnswersOf(ctx, db, m.Participant.ID); a[note.ID] != "hi" {
			t.Errorf("the answer to a removed question was lost: %v", a)
		}
		if err := e.qs.Restore(ctx, e.coord, e.prog.ID, note.ID); err != nil {
			t.Fatal(err)
		}

		next := e.program(e.coord, "Autumn")
		if err := e.qs.SetCriterion(ctx, e.coord, e.prog.ID, gender.ID, question.Criterion{Mode: question.MatchTable, Weight: 2,
			Points: map[[2]int64]int{{gender.Options[0].ID, gender.Options[1].ID}: 60}}); err != nil {
			t.Fatal(err)
		}
		if err := db.Tx(ctx, func(tx *store.Tx) error { return question.CopyToProgram(ctx, tx, e.prog.ID, next.ID) }); err != nil {
			t.Fatal(err)
		}
		copied, _ := question.List(ctx, db, next.ID)
		if len(copied) != 2 || copied[0].Text("en") != "Gender" || !copied[0].Reporting || copied[0].MatchMode != question.MatchTable {
			t.Fatalf("copied %+v", copied)
		}
		if p := copied[0].Points[[2]int64{copied[0].Options[0].ID, copied[0].Options[1].ID}]; p != 60 {
			t.Errorf("copied table point %d", p)
		}
		if a, _ := question.Answers(ctx, db, next.ID); len(a) != 0 {
			t.Errorf("answers were copied: %v", a)
		}
	})
}
