package cohort

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/clock"
	"mentorskap/internal/dashboard"
	"mentorskap/internal/errs"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/matching"
	"mentorskap/internal/meeting"
	"mentorskap/internal/program"
	"mentorskap/internal/question"
	"mentorskap/internal/resource"
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
	t   *testing.T
	db  *store.DB
	clk *clock.Fixed
	svc *Service
	n   int
}

func newEnv(t *testing.T, db *store.DB) *env {
	clk := clock.NewFixed(time.Date(2026, 8, 3, 9, 0, 0, 0, time.UTC))
	return &env{t: t, db: db, clk: clk, svc: &Service{DB: db, Clock: clk}}
}

func (e *env) user(role string) *account.User {
	e.t.Helper()
	e.n++
	var u *account.User
	err := e.db.Tx(context.Background(), func(tx *store.Tx) (err error) {
		u, err = account.CreateUser(context.Background(), tx, e.clk.Now(), account.NewUser{
			Email: "c" + strconv.Itoa(e.n) + "@example.org", Name: "Person " + strconv.Itoa(e.n),
			Password: "long-enough-password", Role: role, Language: "nb",
		})
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *env) exec(query string, args ...any) {
	e.t.Helper()
	if _, err := e.db.Exec(context.Background(), query, args...); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// spring sets up last spring's cohort the way a coordinator would have
// left it: own rules, role words, agreement template, meeting plan,
// evaluation questions, matching settings, and people, pairs and notes.
func (e *env) spring(coord *account.User) *program.Program {
	e.t.Helper()
	ctx := context.Background()
	ps := &program.Service{DB: e.db, Clock: e.clk}
	st := program.SettingsOf(program.Defaults(e.clk.Now(), "nb"))
	st.Name, st.Purpose, st.Goals = "Ny i arbeidslivet, våren 2026", "Hjelpe nyankomne mot jobb", "Jobb\nSpråk"
	st.Start, st.End = "2026-01-12", "2026-06-12"
	st.MinMeetings, st.MaxGapDays, st.MeetingMinMinutes, st.MeetingMaxMinutes = 6, 30, 60, 90
	st.EvalFollowup, st.JoinEnabled, st.JoinRole = false, true, program.JoinMentee
	st.RoleNames["nb"]["mentee"] = "deltaker, deltakeren, deltakere, deltakerne"
	p, err := ps.Create(ctx, coord, st)
	if err != nil {
		e.t.Fatal(err)
	}
	e.exec(`UPDATE programs SET retention_months = 24 WHERE id = ?`, p.ID)
	ag := &agreement.Service{DB: e.db, Clock: e.clk}
	tpl := agreement.DefaultTemplate()
	tpl.Clauses["nb"] = agreement.Clauses{CancelRule: "Gi beskjed to dager før."}
	tpl.Questions = append(tpl.Questions, agreement.Question{Audience: "mentee", Text: map[string]string{"nb": "Hva vil du lære om norsk arbeidsliv?"}})
	if _, err := ag.SaveTemplate(ctx, coord, p.ID, tpl); err != nil {
		e.t.Fatal(err)
	}
	ms := &meeting.Service{DB: e.db, Clock: e.clk}
	if _, err := ms.SavePlan(ctx, coord, p.ID, "nb", 0, map[string][]meeting.PlanItem{
		meeting.KindTheme: {{Title: "Bli kjent"}, {Title: "Arbeidsmarkedet", Description: "Hvor finnes jobbene?"}},
		meeting.KindTopic: {{Title: "Lønn"}},
	}); err != nil {
		e.t.Fatal(err)
	}
	es := &evaluation.Service{DB: e.db, Clock: e.clk}
	if _, err := es.AddQuestion(ctx, coord, p.ID, evaluation.KindFinal, "nb", evaluation.QuestionInput{Type: evaluation.TypeText, Prompt: "Har du fått jobb?"}); err != nil {
		e.t.Fatal(err)
	}
	if err := es.SetShareText(ctx, coord, p.ID, true); err != nil {
		e.t.Fatal(err)
	}
	// a removed question stays behind
	qs, err := evaluation.ListQuestions(ctx, e.db, p.ID, evaluation.KindFollowup)
	if err != nil || len(qs) == 0 {
		e.t.Fatal(err, len(qs))
	}
	if err := es.RemoveQuestion(ctx, coord, p.ID, qs[0].ID); err != nil {
		e.t.Fatal(err)
	}
	mt := &matching.Service{DB: e.db, Clock: e.clk}
	set := matching.DefaultSettings()
	set.Weights[matching.Field] = 10
	set.SelfMatch, set.Suggestions = true, 3
	if err := mt.SaveSettings(ctx, coord, p.ID, set); err != nil {
		e.t.Fatal(err)
	}
	// People, a pair, an invitation, an exclusion, a goal and a note.
	now := e.clk.Now()
	mentor, mentee := e.user(account.RoleMember), e.user(account.RoleMember)
	for _, x := range []struct {
		u    *account.User
		role string
	}{{mentor, "mentor"}, {mentee, "mentee"}} {
		e.exec(`INSERT INTO participants (program_id, user_id, role, status, created_at, updated_at) VALUES (?, ?, ?, 'approved', ?, ?)`,
			p.ID, x.u.ID, x.role, now, now)
	}
	e.exec(`INSERT INTO invitations (program_id, email, token_hash, created_at, expires_at) VALUES (?, 'x@example.org', 'h1', ?, ?)`, p.ID, now, now)
	e.exec(`INSERT INTO matching_exclusions (program_id, mentee_id, mentor_id) VALUES (?, ?, ?)`, p.ID, mentee.ID, mentor.ID)
	var pair int64
	if err := e.db.Tx(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO pairs (program_id, created_at) VALUES (?, ?) RETURNING id`, p.ID, now).Scan(&pair)
	}); err != nil {
		e.t.Fatal(err)
	}
	e.exec(`INSERT INTO pair_members (pair_id, user_id, side) VALUES (?, ?, 'mentor'), (?, ?, 'mentee')`, pair, mentor.ID, pair, mentee.ID)
	e.exec(`INSERT INTO goals (pair_id, title, created_at, updated_at) VALUES (?, 'Få jobb', ?, ?)`, pair, now, now)
	var res int64
	if err := e.db.Tx(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO resources (program_id, kind, title, audience, file_name, content_type, size, created_at, updated_at)
			VALUES (?, 'file', 'Håndbok', 'all', 'handbok.pdf', 'application/pdf', 4, ?, ?) RETURNING id`, p.ID, now, now).Scan(&res)
	}); err != nil {
		e.t.Fatal(err)
	}
	e.exec(`INSERT INTO resource_files (resource_id, data) VALUES (?, ?)`, res, []byte("%PDF"))
	e.exec(`INSERT INTO outcome_settings (program_id, enabled, include_mentors, updated_at) VALUES (?, TRUE, TRUE, ?)`, p.ID, now)
	qs2 := &question.Service{DB: e.db, Clock: e.clk}
	if _, err := qs2.Add(ctx, coord, p.ID, "nb", question.Input{Kind: question.KindOne, Label: "Arbeidssituasjon", Options: "I jobb\nStudent\nSøker jobb", Audience: question.AudienceAll, Visibility: question.VisibleCoordinator}); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// programCounts is how many rows of each kind hang on a program.
func (e *env) programCounts(id int64) map[string]int {
	out := map[string]int{}
	for name, q := range map[string]string{
		"participants":   `SELECT COUNT(*) FROM participants WHERE program_id = ?`,
		"invitations":    `SELECT COUNT(*) FROM invitations WHERE program_id = ?`,
		"pairs":          `SELECT COUNT(*) FROM pairs WHERE program_id = ?`,
		"goals":          `SELECT COUNT(*) FROM goals g JOIN pairs p ON p.id = g.pair_id WHERE p.program_id = ?`,
		"exclusions":     `SELECT COUNT(*) FROM matching_exclusions WHERE program_id = ?`,
		"coordinators":   `SELECT COUNT(*) FROM program_coordinators WHERE program_id = ?`,
		"live questions": `SELECT COUNT(*) FROM evaluation_questions WHERE program_id = ? AND removed_at IS NULL`,
		"removed":        `SELECT COUNT(*) FROM evaluation_questions WHERE program_id = ? AND removed_at IS NOT NULL`,
		"plan items":     `SELECT COUNT(*) FROM meeting_plan_items WHERE program_id = ?`,
		"weights":        `SELECT COUNT(*) FROM matching_weights WHERE program_id = ?`,
		"role names":     `SELECT COUNT(*) FROM program_role_names WHERE program_id = ?`,
		"agreement":      `SELECT COUNT(*) FROM agreement_templates WHERE program_id = ?`,
		"share text":     `SELECT COUNT(*) FROM evaluation_settings WHERE program_id = ? AND share_text = TRUE`,
		"self match":     `SELECT COUNT(*) FROM matching_settings WHERE program_id = ? AND self_match = TRUE AND suggestions = 3`,
		"retention 24":   `SELECT COUNT(*) FROM programs WHERE id = ? AND retention_months = 24`,
		"resource files": `SELECT COUNT(*) FROM resource_files f JOIN resources r ON r.id = f.resource_id WHERE r.program_id = ?`,
		"outcomes":       `SELECT COUNT(*) FROM outcome_settings WHERE program_id = ? AND enabled = TRUE AND include_mentors = TRUE`,
		"own questions":  `SELECT COUNT(*) FROM program_question_options o JOIN program_questions q ON q.id = o.question_id WHERE q.program_id = ?`,
	} {
		out[name] = e.count(q, id)
	}
	return out
}

func TestCopyProgram(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		coord := e.user(account.RoleCoordinator)
		src := e.spring(coord)
		before := e.programCounts(src.ID)

		got, err := e.svc.Copy(ctx, coord, src.ID, CopyInput{Name: "Ny i arbeidslivet, høsten 2026", Start: "2026-08-24"})
		if err != nil {
			t.Fatal(err)
		}
		// Rules copied, dates shifted by the same 224 days.
		if got.Name != "Ny i arbeidslivet, høsten 2026" || got.Start.Format(program.DateLayout) != "2026-08-24" ||
			got.End.Format(program.DateLayout) != "2027-01-22" {
			t.Fatalf("copy: %q %s – %s", got.Name, got.Start.Format(program.DateLayout), got.End.Format(program.DateLayout))
		}
		if got.Purpose != src.Purpose || got.Goals != src.Goals || got.MinMeetings != 6 || got.MaxGapDays != 30 ||
			got.MeetingMinMinutes != 60 || got.MeetingMaxMinutes != 90 || got.EvalFollowup || !got.EvalFinal ||
			got.DefaultLanguage != "nb" || got.JoinRole != program.JoinMentee {
			t.Fatalf("rules not copied: %+v", got)
		}
		if got.JoinEnabled || got.JoinToken == src.JoinToken {
			t.Fatal("the copy's join link must be new and closed")
		}
		if got.RoleText("mentee", "nb") != src.RoleText("mentee", "nb") {
			t.Fatalf("role words: %q", got.RoleText("mentee", "nb"))
		}
		// The launch checklist counts copied rules as chosen, not as the
		// built-in defaults, though nobody has edited the copy yet.
		launch, err := dashboard.LaunchOf(ctx, db, got, e.clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		if st := launch.Steps[0]; st.Key != dashboard.StepRules || st.State != dashboard.StateDone || st.Detail != "launch.detail.rules.copied" {
			t.Errorf("launch step of a copy: %+v", st)
		}
		after := e.programCounts(got.ID)
		for _, same := range []string{"live questions", "plan items", "weights", "role names", "agreement", "share text", "self match", "retention 24", "resource files", "own questions", "outcomes"} {
			if after[same] != before[same] || after[same] == 0 {
				t.Errorf("%s: copy has %d, source %d", same, after[same], before[same])
			}
		}
		// Never people, pairs or what they wrote.
		for _, none := range []string{"participants", "invitations", "pairs", "goals", "exclusions", "removed"} {
			if after[none] != 0 || before[none] == 0 {
				t.Errorf("%s: copy has %d (source %d)", none, after[none], before[none])
			}
		}
		if after["coordinators"] != 1 {
			t.Errorf("coordinators: %d", after["coordinators"])
		}
		// The content reads the same through the domain packages.
		plan, err := meeting.LoadPlan(ctx, db, got.ID, "nb")
		if err != nil || !plan.Custom() || len(plan.Themes) != 2 || plan.Themes[1].Description != "Hvor finnes jobbene?" {
			t.Fatalf("plan: %+v %v", plan, err)
		}
		tpl, err := agreement.TemplateFor(ctx, db, got.ID)
		if err != nil || tpl.Clauses["nb"].CancelRule != "Gi beskjed to dager før." {
			t.Fatalf("agreement template: %+v %v", tpl, err)
		}
		final, err := evaluation.ListQuestions(ctx, db, got.ID, evaluation.KindFinal)
		if err != nil || final[len(final)-1].In("nb").Prompt != "Har du fått jobb?" {
			t.Fatalf("final questions: %+v %v", final, err)
		}
		set, err := matching.LoadSettings(ctx, db, got.ID)
		if err != nil || set.Weight(matching.Field) != 10 || len(set.Excluded) != 0 {
			t.Fatalf("matching: %+v %v", set, err)
		}
		// The source is untouched.
		if now := e.programCounts(src.ID); now["participants"] != before["participants"] || now["pairs"] != before["pairs"] {
			t.Fatal("the source changed")
		}
	})
}

func TestCopyAccess(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		coord, other, admin := e.user(account.RoleCoordinator), e.user(account.RoleCoordinator), e.user(account.RoleAdmin)
		src := e.spring(coord)
		in := CopyInput{Name: "Høsten", Start: "2026-09-01"}
		if _, err := e.svc.Copy(ctx, other, src.ID, in); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("a coordinator of another program: %v", err)
		}
		// A participant of the program may not copy it either.
		var mentee int64
		if err := db.QueryRow(ctx, `SELECT user_id FROM participants WHERE program_id = ? AND role = 'mentee'`, src.ID).Scan(&mentee); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Copy(ctx, &account.User{ID: mentee, Role: account.RoleMember}, src.ID, in); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("a participant: %v", err)
		}
		if _, err := e.svc.Copy(ctx, coord, src.ID, CopyInput{Name: " ", Start: "31.08.2026"}); err == nil {
			t.Fatal("bad input accepted")
		} else if ee, _ := errs.As(err); ee.Fields["name"].Key != "error.required" || ee.Fields["start"].Key != "program.error.date_invalid" {
			t.Fatalf("bad input: %v", err)
		}
		n := e.count(`SELECT COUNT(*) FROM programs`)
		if n != 1 {
			t.Fatalf("%d programs after refused copies", n)
		}
		if _, err := e.svc.Copy(ctx, admin, src.ID, in); err != nil {
			t.Fatalf("an administrator: %v", err)
		}
		srcs, err := e.svc.CopySources(ctx, other)
		if err != nil || len(srcs) != 0 {
			t.Fatalf("sources of another coordinator: %v %v", srcs, err)
		}
		srcs, err = e.svc.CopySources(ctx, coord)
		if err != nil || len(srcs) != 1 || srcs[0].ID != src.ID {
			t.Fatalf("sources: %v %v", srcs, err)
		}
	})
}

func TestBuiltinTemplates(t *testing.T) {
	t.Parallel()
	for _, b := range builtins {
		for _, lang := range []string{"en", "nb", "sv", "id"} {
			if b.Name[lang] == "" || b.Description[lang] == "" || b.Blueprint.Purpose[lang] == "" || b.Blueprint.Goals[lang] == "" {
				t.Errorf("%s: texts missing in %s", b.Key, lang)
			}
			if len(b.Blueprint.Plans[lang].Themes) == 0 {
				t.Errorf("%s: no themes in %s", b.Key, lang)
			}
			for _, q := range b.Blueprint.Prep {
				if q.Text[lang] == "" {
					t.Errorf("%s: prep %s not in %s", b.Key, q.Key, lang)
				}
			}
			for _, q := range b.Blueprint.ExtraQuestions {
				if q.Texts[lang].Prompt == "" || len(q.Texts[lang].Options) != len(q.Texts["en"].Options) {
					t.Errorf("%s: question not in %s", b.Key, lang)
				}
			}
			if lang == "id" {
				for _, s := range []string{b.Name[lang], b.Description[lang], b.Blueprint.Purpose[lang]} {
					if strings.Contains(strings.ToLower(s), "kalian") {
						t.Errorf("%s: id text says kalian", b.Key)
					}
				}
			}
		}
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		coord := e.user(account.RoleCoordinator)
		// Seed 003: monthly meetings, six themes, its goals.
		p, err := e.svc.FromTemplate(ctx, coord, "newcomers", NewInput{Name: "Jobbmentor 2026", Start: "2026-09-01", Language: "nb"})
		if err != nil {
			t.Fatal(err)
		}
		if p.MaxGapDays != 31 || p.End.Format(program.DateLayout) != "2027-03-01" || !strings.Contains(p.Goals, "nærmere en jobb") {
			t.Fatalf("newcomers: %+v", p)
		}
		if p.RoleText("mentee", "nb") != "deltaker, deltakeren, deltakere, deltakerne" {
			t.Fatalf("role: %q", p.RoleText("mentee", "nb"))
		}
		launch, err := dashboard.LaunchOf(ctx, db, p, e.clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		if st := launch.Steps[0]; st.State != dashboard.StateDone || st.Detail != "launch.detail.rules.template" {
			t.Errorf("launch step of a templated program: %+v", st)
		}
		plan, err := meeting.LoadPlan(ctx, db, p.ID, "nb")
		if err != nil || len(plan.Themes) != 6 || plan.Themes[5].Title != "Avslutning: veien videre" || len(plan.Topics) == 0 {
			t.Fatalf("plan: %+v %v", plan, err)
		}
		tpl, err := agreement.TemplateFor(ctx, db, p.ID)
		if err != nil || !tpl.Custom || tpl.Questions[len(tpl.Questions)-1].Key != "tpl_strengths" {
			t.Fatalf("agreement: %+v %v", tpl, err)
		}
		final, err := evaluation.ListQuestions(ctx, db, p.ID, evaluation.KindFinal)
		if err != nil || final[len(final)-2].Type != evaluation.TypeChoice || final[len(final)-2].OptionCount != 3 {
			t.Fatalf("final: %+v %v", final, err)
		}
		// Seed 004: at least four meetings in five months, mid-point and final.
		s, err := e.svc.FromTemplate(ctx, coord, "study", NewInput{Name: "Studenter 2026", Start: "2026-09-01", Language: "sv"})
		if err != nil {
			t.Fatal(err)
		}
		if s.MinMeetings != 4 || s.End.Format(program.DateLayout) != "2027-02-01" || !s.EvalMidpoint || !s.EvalFinal || s.EvalFollowup {
			t.Fatalf("study: %+v", s)
		}
		mid, err := evaluation.ListQuestions(ctx, db, s.ID, evaluation.KindMidpoint)
		if err != nil || mid[len(mid)-1].In("sv").Prompt == "" || mid[len(mid)-1].Type != evaluation.TypeYesNo {
			t.Fatalf("midpoint: %+v %v", mid, err)
		}
		splan, err := meeting.LoadPlan(ctx, db, s.ID, "id")
		if err != nil || len(splan.Topics) != 14 {
			t.Fatalf("study topics: %d %v", len(splan.Topics), err)
		}
		o, err := e.svc.FromTemplate(ctx, coord, "organisations", NewInput{Name: "Foreninger", Start: "2026-09-01", Language: "id"})
		if err != nil {
			t.Fatal(err)
		}
		oplan, err := meeting.LoadPlan(ctx, db, o.ID, "en")
		if err != nil || len(oplan.Topics) != 6 || oplan.Topics[0].Title != "Strategy" {
			t.Fatalf("organisation topics: %+v %v", oplan, err)
		}
		if _, err := e.svc.FromTemplate(ctx, coord, "nope", NewInput{Name: "x", Start: "2026-09-01", Language: "en"}); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("unknown template: %v", err)
		}
		if _, err := e.svc.FromTemplate(ctx, coord, "study", NewInput{Name: "", Start: "2026-09-01", Language: "xx"}); errs.KindOf(err) != errs.Invalid {
			t.Fatalf("bad input: %v", err)
		}
		if _, err := e.svc.FromTemplate(ctx, e.user(account.RoleMember), "study", NewInput{Name: "x", Start: "2026-09-01", Language: "en"}); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("a participant: %v", err)
		}
	})
}

func TestSavedTemplate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		coord, admin := e.user(account.RoleCoordinator), e.user(account.RoleAdmin)
		src := e.spring(coord)
		// A link beside the handbook file, and the own question counting
		// in matching.
		if err := db.Tx(ctx, func(tx *store.Tx) error {
			_, err := resource.AddLink(ctx, tx, e.clk.Now(), src.ID, coord.ID, resource.Input{Title: "NAV", URL: "https://www.nav.no/"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		own, err := question.List(ctx, db, src.ID)
		if err != nil || len(own) != 1 {
			t.Fatal(err, len(own))
		}
		if err := (&question.Service{DB: db, Clock: e.clk}).SetCriterion(ctx, coord, src.ID, own[0].ID,
			question.Criterion{Mode: question.MatchSame, Weight: 4}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SaveTemplate(ctx, coord, src.ID, SaveInput{Name: "Vår mal"}); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("a coordinator saving a template: %v", err)
		}
		if _, err := e.svc.SaveTemplate(ctx, admin, src.ID, SaveInput{Name: ""}); errs.KindOf(err) != errs.Invalid {
			t.Fatalf("no name: %v", err)
		}
		tpl, err := e.svc.SaveTemplate(ctx, admin, src.ID, SaveInput{Name: "Vår mal", Description: "Slik vi gjør det"})
		if err != nil {
			t.Fatal(err)
		}
		body := e.count(`SELECT COUNT(*) FROM program_templates WHERE body LIKE '%Person%' OR body LIKE '%example.org%'`)
		if body != 0 {
			t.Fatal("a saved template names people")
		}
		list, err := e.svc.Templates(ctx, coord, "nb")
		if err != nil || len(list) != len(builtins)+1 || list[len(list)-1].Name != "Vår mal" || list[len(list)-1].BuiltIn() {
			t.Fatalf("list: %+v %v", list, err)
		}
		p, err := e.svc.FromTemplate(ctx, coord, tpl.Key, NewInput{Name: "Fra malen", Start: "2027-01-11", Language: "nb"})
		if err != nil {
			t.Fatal(err)
		}
		if p.End.Format(program.DateLayout) != "2027-06-11" || p.Purpose != src.Purpose || p.MinMeetings != 6 {
			t.Fatalf("from saved: %+v", p)
		}
		want, got := e.programCounts(src.ID), e.programCounts(p.ID)
		for _, same := range []string{"live questions", "plan items", "weights", "role names", "agreement", "share text", "self match", "retention 24",
			"own questions", "outcomes"} {
			if got[same] != want[same] {
				t.Errorf("%s: %d, source %d", same, got[same], want[same])
			}
		}
		// The own question keeps its place in matching; the link comes
		// along, the file does not.
		if n := e.count(`SELECT COUNT(*) FROM program_questions WHERE program_id = ? AND match_mode = 'same' AND match_weight = 4 AND label LIKE '%Arbeidssituasjon%'`, p.ID); n != 1 {
			t.Errorf("own question in matching: %d", n)
		}
		if n := e.count(`SELECT COUNT(*) FROM resources WHERE program_id = ? AND kind = 'link' AND url = 'https://www.nav.no/'`, p.ID); n != 1 ||
			got["resource files"] != 0 {
			t.Errorf("links %d, files %d", n, got["resource files"])
		}
		for _, none := range []string{"participants", "invitations", "pairs", "exclusions"} {
			if got[none] != 0 {
				t.Errorf("%s: %d", none, got[none])
			}
		}
		if err := e.svc.DeleteTemplate(ctx, coord, tpl.ID); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("a coordinator deleting: %v", err)
		}
		if err := e.svc.DeleteTemplate(ctx, admin, tpl.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.DeleteTemplate(ctx, admin, tpl.ID); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("deleting twice: %v", err)
		}
		if _, err := program.Get(ctx, db, p.ID); err != nil {
			t.Fatal("the program made from the template went with it")
		}
	})
}

// programTables is the decision for every table that names a program (see
// the list in copy.go). A table added later fails TestEveryProgramTableDecided
// until someone decides whether a copy takes it: append its copy step to
// Steps, or say here why not.
var programTables = map[string]string{
	"programs":             "copied: a new row (copy.go)",
	"program_coordinators": "copied: only the person copying",
	"program_role_names":   "copied",
	"agreement_templates":  "copied",
	"meeting_plans":        "copied",
	"meeting_plan_items":   "copied",
	"evaluation_questions": "copied: live questions",
	"evaluation_settings":  "copied",
	"matching_settings":    "copied",
	"matching_weights":     "copied",
	"participants":         "never: people",
	"invitations":          "never: people",
	"pairs":                "never: people",
	"match_proposals":      "never: pairs of people",
	"match_requests":       "never: people",
	"matching_exclusions":  "never: people",
	"webhook_endpoints":    "never: a receiver nobody chose for the new cohort",
	"audit_log":            "never: history",
	"events":               "never: dated gatherings of this cohort's people with their RSVPs and attendance; the new cohort plans its own",
	"announcements":        "never: written to this cohort's people about its own moment",
	"resources":            "copied: resource.CopyToProgram",
	"program_questions":    "copied: question.CopyToProgram",
	"outcome_settings":     "copied: outcome.CopySettings",
	"outcome_surveys":      "never: people's answers",
}

func TestEveryProgramTableDecided(t *testing.T) {
	t.Parallel()
	db := storetest.SQLite(t)
	rows, err := db.Query(context.Background(), `SELECT m.name FROM sqlite_master m
		WHERE m.type = 'table' AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) c WHERE c.name = 'program_id')`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	found := 0
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		found++
		if _, ok := programTables[name]; !ok {
			t.Errorf("table %s names a program, but nobody has decided whether a copy of a program takes it: "+
				"add its copy step to Steps() in copy.go (and the list there), or say in programTables why not", name)
		}
	}
	if found < 10 {
		t.Fatalf("found only %d tables with a program_id: the query is wrong", found)
	}
}
