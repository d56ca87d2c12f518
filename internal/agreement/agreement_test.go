package agreement

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/clock"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

func sampleContent() Content {
	return Content{
		StartDate: "2026-03-02", EndDate: "2026-08-02", MeetingCount: 5, Frequency: "Every other Tuesday",
		TypicalMinutes: 60, MaxMinutes: 90, Places: "Online\nCafé Ås", InAppMessages: true,
		CancelRule: "Only when unavoidable", CancelNoticeHours: 24, UrgentRule: "Text first",
		Goals: []Goal{{Key: "g1", Title: "Apply for five jobs", Measure: "Five applications sent", TargetDate: "2026-06-01",
			SubGoals: []Goal{{Key: "g1a", Title: "Rewrite the CV"}}}},
		MentorRole: "Listens", MenteeRole: "Leads", Mentor: Commitments{Will: "Give honest feedback", Cannot: "Find a job"},
		Relationship: RelationProfessional, Confidentiality: "Between us", CoordinatorSees: ShareNothing,
		Voluntary: "Either of us may end it without a reason.",
	}
}

// TestCanonicalForm pins the canonical encoding: changing it would make
// every stored hash unverifiable, so a change must be deliberate.
func TestCanonicalForm(t *testing.T) {
	t.Parallel()
	c := Content{StartDate: "2026-03-02", Goals: []Goal{{Key: "a", Title: "<Tittel & mål>"}}}
	want := `{"parties":[],"start_date":"2026-03-02","end_date":"","meeting_count":0,"frequency":"",` +
		`"typical_minutes":0,"max_minutes":0,"places":"","communication":"","response_time":"","in_app_messages":false,` +
		`"cancel_rule":"","cancel_notice_hours":0,"urgent_rule":"",` +
		`"goals":[{"key":"a","title":"<Tittel & mål>","measure":"","target_date":""}],` +
		`"mentor_role":"","mentee_role":"","mentor":{"will":"","will_not":"","can":"","cannot":""},` +
		`"mentee":{"will":"","will_not":"","can":"","cannot":""},"topics_in":"","topics_out":"","relationship":"",` +
		`"confidentiality":"","coordinator_sees":"","costs":"","unmet_expectations":"","voluntary":""}`
	if got := string(Canonical(c)); got != want {
		t.Fatalf("canonical form changed:\n got %s\nwant %s", got, want)
	}
	if Hash(c) != hashBytes([]byte(want)) || len(Hash(c)) != 64 {
		t.Fatal("hash is not the SHA-256 of the canonical bytes")
	}
}

func TestHashIgnoresLineEndingsAndTrailingSpace(t *testing.T) {
	t.Parallel()
	a := sampleContent()
	b := sampleContent()
	b.Places = "Online  \r\nCafé Ås\t\r\n\r\n"
	b.Frequency = "  Every other Tuesday  "
	if Hash(a) != Hash(b) {
		t.Fatal("texts that differ only in line endings and trailing space hash differently")
	}
	b.Places = "Online\nCafé Ås\nWorkplace"
	if Hash(a) == Hash(b) {
		t.Fatal("different content, same hash")
	}
	c := sampleContent()
	c.Goals[0].SubGoals[0].Title = "Rewrite the CV twice"
	if Hash(a) == Hash(c) {
		t.Fatal("a changed sub-goal does not change the hash")
	}
	// Canonical must not change the caller's value.
	b.Places = "x  \r\n"
	Canonical(b)
	if b.Places != "x  \r\n" {
		t.Fatal("Canonical modified its argument")
	}
}

func TestLineDiff(t *testing.T) {
	t.Parallel()
	render := func(ls []Line) string {
		var b strings.Builder
		for _, l := range ls {
			b.WriteString(map[string]string{LineSame: " ", LineAdded: "+", LineRemoved: "-"}[l.Op] + l.Text + "|")
		}
		return b.String()
	}
	cases := []struct{ a, b, want string }{
		{"", "", ""},
		{"a", "a", " a|"},
		{"", "a\nb", "+a|+b|"},
		{"a\nb", "", "-a|-b|"},
		{"a\nb\nc", "a\nc", " a|-b| c|"},
		{"a\nc", "a\nb\nc", " a|+b| c|"},
		{"a\nb\nc\nd", "a\nx\nc\ny", " a|-b|+x| c|-d|+y|"},
		{"one\ntwo\nthree", "zero\none\nthree\nfour", "+zero| one|-two| three|+four|"},
	}
	for _, c := range cases {
		if got := render(LineDiff(c.a, c.b)); got != c.want {
			t.Errorf("LineDiff(%q, %q) = %s, want %s", c.a, c.b, got, c.want)
		}
	}
}

// TestLineDiffIsMinimal checks on many inputs that the kept lines form a
// common subsequence as long as the brute-force answer.
func TestLineDiffIsMinimal(t *testing.T) {
	t.Parallel()
	words := []string{"a", "b", "c"}
	gen := func(n, seed int) []string {
		var out []string
		for i := 0; i < n; i++ {
			out = append(out, words[(seed/(i+1)+i*seed)%3])
			seed = seed*31 + 7
		}
		return out
	}
	var lcsLen func(x, y []string) int
	lcsLen = func(x, y []string) int {
		if len(x) == 0 || len(y) == 0 {
			return 0
		}
		if x[0] == y[0] {
			return 1 + lcsLen(x[1:], y[1:])
		}
		return max(lcsLen(x[1:], y), lcsLen(x, y[1:]))
	}
	for seed := 1; seed < 300; seed++ {
		x, y := gen(seed%7, seed), gen((seed/7)%7, seed*13)
		ls := LineDiff(strings.Join(x, "\n"), strings.Join(y, "\n"))
		var a, b []string
		same := 0
		for _, l := range ls {
			if l.Op != LineAdded {
				a = append(a, l.Text)
			}
			if l.Op != LineRemoved {
				b = append(b, l.Text)
			}
			if l.Op == LineSame {
				same++
			}
		}
		if strings.Join(a, "\n") != strings.Join(x, "\n") || strings.Join(b, "\n") != strings.Join(y, "\n") {
			t.Fatalf("diff of %v and %v does not rebuild them: %v", x, y, ls)
		}
		if want := lcsLen(x, y); same != want {
			t.Fatalf("diff of %v and %v keeps %d lines, the longest common subsequence has %d", x, y, same, want)
		}
	}
}

func TestDiffByClause(t *testing.T) {
	t.Parallel()
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	l := b.Locale("en")
	a := sampleContent()
	c := sampleContent()
	c.Places = "Online\nLibrary"
	c.Goals = append([]Goal{{Key: "g2", Title: "Learn the trade's words"}}, c.Goals...) // a new goal first
	changes := Diff(a, c, l)
	keys := map[string]Change{}
	for _, ch := range changes {
		keys[ch.Key] = ch
	}
	if len(changes) != 2 {
		t.Fatalf("want two changes (places, the new goal), got %+v", changes)
	}
	if ch := keys["places"]; ch.Label != l.T("agreement.field.places") || len(ch.Lines) != 3 {
		t.Fatalf("places change: %+v", ch)
	}
	if _, ok := keys["goal:g2"]; !ok {
		t.Fatal("the added goal is missing; the moved goal g1 must not count as changed")
	}
	if d := Diff(c, a, l); len(d) != 2 || d[1].Lines[0].Op != LineRemoved {
		t.Fatalf("removed goal not shown as removed: %+v", d)
	}
}

// fixture is a program with one pair, in a fresh database.
type fixture struct {
	db             *store.DB
	svc            *Service
	clk            *clock.Fixed
	l              *i18n.Locale
	coord          *account.User
	mentor, mentee *account.User
	prog           *program.Program
	pair           *program.Pair
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	f := &fixture{db: db, clk: clk, l: b.Locale("en"), svc: &Service{DB: db, Clock: clk}}
	user := func(email, name, role string) *account.User {
		var u *account.User
		err := db.Tx(ctx, func(tx *store.Tx) (err error) {
			u, err = account.CreateUser(ctx, tx, clk.Now(), account.NewUser{Email: email, Name: name,
				Password: "password-" + email, Role: role, Language: "en"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.coord = user("coord@example.org", "Cora Coordinator", account.RoleCoordinator)
	f.mentor = user("mentor@example.org", "Åse Bækken", account.RoleMember)
	f.mentee = user("mentee@example.org", "Dewi Lestari", account.RoleMember)
	ps := &program.Service{DB: db, Clock: clk}
	in := program.SettingsOf(program.Defaults(clk.Now(), "en"))
	in.Name = "Test program"
	if f.prog, err = ps.Create(ctx, f.coord, in); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		u    *account.User
		role string
	}{{f.mentor, "mentor"}, {f.mentee, "mentee"}} {
		if _, err := db.Exec(ctx, `INSERT INTO participants (program_id, user_id, role, status, capacity, created_at, updated_at)
			VALUES (?, ?, ?, 'approved', 1, ?, ?)`, f.prog.ID, p.u.ID, p.role, clk.Now(), clk.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if f.pair, err = ps.CreatePair(ctx, f.coord, f.prog.ID, []int64{f.mentor.ID}, []int64{f.mentee.ID}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) sign(t *testing.T, u *account.User, n int) *Version {
	t.Helper()
	v, err := f.svc.Sign(context.Background(), u, f.pair.ID, n, "password-"+u.Email, u.Name)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestSignedVersionsFrozenInStore shows that the database itself refuses to
// change versions and signatures, whatever code runs the statement.
func TestSignedVersionsFrozenInStore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		v1, err := f.svc.SaveDraft(ctx, f.mentor, f.pair.ID, 0, sampleContent(), f.l)
		if err != nil {
			t.Fatal(err)
		}
		f.sign(t, f.mentor, v1.Number)
		f.sign(t, f.mentee, v1.Number)
		for _, stmt := range []string{
			`UPDATE agreement_versions SET content = '{}' WHERE pair_id = ?`,
			`UPDATE agreement_versions SET hash = '` + strings.Repeat("0", 64) + `' WHERE pair_id = ?`,
			`DELETE FROM agreement_versions WHERE pair_id = ?`,
			`UPDATE agreement_signatures SET typed_name = 'someone else' WHERE version_id IN (SELECT id FROM agreement_versions WHERE pair_id = ?)`,
			`DELETE FROM agreement_signatures WHERE version_id IN (SELECT id FROM agreement_versions WHERE pair_id = ?)`,
			`DELETE FROM pairs WHERE id = ?`,
		} {
			if _, err := db.Exec(ctx, stmt, f.pair.ID); err == nil {
				t.Errorf("the store let this through: %s", stmt)
			}
			err := db.Tx(ctx, func(tx *store.Tx) error {
				_, err := tx.Exec(ctx, stmt, f.pair.ID)
				return err
			})
			if err == nil {
				t.Errorf("the store let this through in a transaction: %s", stmt)
			}
		}
		if db.Dialect() == store.Postgres {
			if _, err := db.Exec(ctx, `TRUNCATE agreement_signatures, agreement_versions`); err == nil {
				t.Error("TRUNCATE went through")
			}
		}
		got, err := GetVersion(ctx, db, f.pair.ID, v1.Number)
		if err != nil {
			t.Fatal(err)
		}
		if got.Hash != v1.Hash || !got.Intact || !got.Complete() || got.Signatures[0].TypedName != f.mentor.Name {
			t.Fatalf("signed version changed: %+v", got)
		}
		// A signature must carry the hash of the version it signs.
		var vid int64
		if err := db.QueryRow(ctx, `SELECT id FROM agreement_versions WHERE pair_id = ?`, f.pair.ID).Scan(&vid); err != nil {
			t.Fatal(err)
		}
		_, err = db.Exec(ctx, `INSERT INTO agreement_signatures (version_id, user_id, name, side, typed_name, hash, signed_at)
			VALUES (?, ?, 'x', 'mentor', 'x', ?, ?)`, vid, f.coord.ID, strings.Repeat("a", 64), f.clk.Now())
		if err == nil {
			t.Error("a signature with another hash was stored")
		}
	})
}

// TestUnsignedDraftsCanGoWithTheirPair: only signatures freeze deletion, so
// a pair with nothing but drafts can still be removed by its program.
func TestUnsignedDraftsCanGoWithTheirPair(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		if _, err := f.svc.SaveDraft(ctx, f.mentor, f.pair.ID, 0, sampleContent(), f.l); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `UPDATE agreement_versions SET content = '{}' WHERE pair_id = ?`, f.pair.ID); err == nil {
			t.Fatal("a draft version was changed in place")
		}
		if _, err := db.Exec(ctx, `DELETE FROM pairs WHERE id = ?`, f.pair.ID); err != nil {
			t.Fatalf("a pair with only drafts could not be deleted: %v", err)
		}
	})
}

func TestSaveAndSignRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := sampleContent()
		c.Voluntary = "typed by the pair"
		c.Parties = []Party{{Name: "Someone Else", Side: program.SideMentor}}
		v1, err := f.svc.SaveDraft(ctx, f.mentee, f.pair.ID, 0, c, f.l)
		if err != nil {
			t.Fatal(err)
		}
		if v1.Number != 1 || v1.Content.Voluntary != f.l.T("agreement.default.voluntary") ||
			len(v1.Content.Parties) != 2 || v1.Content.Parties[0].Name != f.mentor.Name {
			t.Fatalf("parties and the no-fault clause must come from the pair and template: %+v", v1.Content)
		}
		// The same content again makes no version.
		same, err := f.svc.SaveDraft(ctx, f.mentor, f.pair.ID, 1, v1.Content, f.l)
		if err != nil || same.Number != 1 {
			t.Fatalf("saving unchanged content: %v %+v", err, same)
		}
		// A save based on an old version is a conflict naming who saved.
		c.Frequency = "Weekly"
		v2, err := f.svc.SaveDraft(ctx, f.mentor, f.pair.ID, 1, c, f.l)
		if err != nil || v2.Number != 2 {
			t.Fatal(err)
		}
		c.Frequency = "Monthly"
		_, err = f.svc.SaveDraft(ctx, f.mentee, f.pair.ID, 1, c, f.l)
		if e, ok := errs.As(err); !ok || e.Kind != errs.Conflict || e.Key != "agreement.error.stale" || fmt.Sprint(e.Args) != fmt.Sprint([]any{"name", f.mentor.Name, "version", 2}) {
			t.Fatalf("stale save: %v", err)
		}
		// Signing an older version signs nothing.
		_, err = f.svc.Sign(ctx, f.mentee, f.pair.ID, 1, "password-"+f.mentee.Email, f.mentee.Name)
		if !errs.Is(err, errs.Conflict) {
			t.Fatalf("signing a replaced version: %v", err)
		}
		// Wrong password and wrong name are field errors.
		_, err = f.svc.Sign(ctx, f.mentee, f.pair.ID, 2, "nope", "Dewi")
		if e, ok := errs.As(err); !ok || e.Fields["password"].Key != "error.password_wrong" || e.Fields["typed_name"].Key != "agreement.error.name_mismatch" {
			t.Fatalf("bad credentials: %v", err)
		}
		if v, _ := GetVersion(ctx, db, f.pair.ID, 2); len(v.Signatures) != 0 {
			t.Fatal("a failed signature was stored")
		}
		// Case and spacing of the typed name do not matter.
		if _, err := f.svc.Sign(ctx, f.mentee, f.pair.ID, 2, "password-"+f.mentee.Email, "  dewi   LESTARI "); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Sign(ctx, f.mentee, f.pair.ID, 2, "password-"+f.mentee.Email, f.mentee.Name); !errs.Is(err, errs.Conflict) {
			t.Fatalf("signing twice: %v", err)
		}
		terms, err := TermsFor(ctx, db, f.pair.ID)
		if err != nil || terms.State != StateWaiting || terms.InForce != 0 || terms.MeetingMaxMinutes != f.prog.MeetingMaxMinutes {
			t.Fatalf("terms while waiting: %+v %v", terms, err)
		}
		f.clk.Set(f.clk.Now().Add(time.Hour))
		v := f.sign(t, f.mentor, 2)
		if !v.Complete() {
			t.Fatal("both signed, not complete")
		}
		terms, err = TermsFor(ctx, db, f.pair.ID)
		if err != nil || terms.State != StateActive || terms.InForce != 2 || terms.MeetingMaxMinutes != 90 ||
			terms.TypicalMinutes != 60 || terms.CancelNoticeHours != 24 || terms.MinMeetings != 5 || !terms.SignedAt.Equal(f.clk.Now()) {
			t.Fatalf("terms once active: %+v %v", terms, err)
		}
		var due time.Time
		if err := db.QueryRow(ctx, `SELECT due_at FROM checkpoints WHERE pair_id = ? AND kind = 'followup'`, f.pair.ID).Scan(&due); err != nil {
			t.Fatalf("no follow-up scheduled: %v", err)
		}
		if !due.Equal(f.clk.Now().Add(30 * 24 * time.Hour)) {
			t.Fatalf("follow-up due %v", due)
		}
		var goals int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM goals WHERE pair_id = ?`, f.pair.ID).Scan(&goals); err != nil || goals != 2 {
			t.Fatalf("goals synced: %d %v", goals, err)
		}
		// A change after signing is a new draft; the signed version stays in force.
		c.Frequency = "Every week"
		c.MaxMinutes = 120
		v3, err := f.svc.SaveDraft(ctx, f.mentee, f.pair.ID, 2, c, f.l)
		if err != nil || v3.Number != 3 || len(v3.Signatures) != 0 {
			t.Fatalf("change after signing: %v %+v", err, v3)
		}
		terms, _ = TermsFor(ctx, db, f.pair.ID)
		if terms.State != StateActive || terms.InForce != 2 || terms.Draft != StateDrafting || terms.Version != 3 || terms.MeetingMaxMinutes != 90 {
			t.Fatalf("terms while amending: %+v", terms)
		}
		if v2again, _ := GetVersion(ctx, db, f.pair.ID, 2); !v2again.Complete() || v2again.Hash != v.Hash {
			t.Fatal("the signed version changed")
		}
	})
}

func TestValidation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		bad := sampleContent()
		bad.TypicalMinutes = 30 // below the program's 45
		bad.MaxMinutes = 500
		bad.EndDate = "2026-01-01"
		bad.Goals = []Goal{{Title: ""}, {Measure: "no title", TargetDate: "soon"}, {Title: "two\nlines"}}
		bad.Relationship = "romantic"
		bad.CoordinatorSees = "everything"
		bad.Costs = strings.Repeat("x", MaxAgreementText+1)
		_, err := f.svc.SaveDraft(ctx, f.mentor, f.pair.ID, 0, bad, f.l)
		e, ok := errs.As(err)
		if !ok || e.Kind != errs.Invalid {
			t.Fatalf("want validation error, got %v", err)
		}
		want := map[string]string{
			"typical_minutes": "agreement.error.minutes", "max_minutes": "agreement.error.minutes",
			"end_date": "agreement.error.end_before_start", "goals.1.title": "agreement.error.goal_title",
			"goals.1.target_date": "agreement.error.date", "goals.2.title": "agreement.error.goal_one_line",
			"relationship": "error.choice_invalid", "coordinator_sees": "error.choice_invalid", "costs": "error.too_long",
		}
		for field, key := range want {
			if e.Fields[field].Key != key {
				t.Errorf("%s: got %q, want %q", field, e.Fields[field].Key, key)
			}
		}
		if _, bad := e.Fields["goals.0.title"]; bad {
			t.Error("an empty goal row is skipped, not an error")
		}
		if n, _ := currentNumber(ctx, db, f.pair.ID); n != 0 {
			t.Fatal("an invalid draft was saved")
		}
		// Coordinators may not write the pair's agreement.
		if _, err := f.svc.SaveDraft(ctx, f.coord, f.pair.ID, 0, sampleContent(), f.l); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("coordinator save: %v", err)
		}
	})
}

func TestPreparationIsPrivate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		p, err := f.svc.SavePreparation(ctx, f.mentee, f.pair.ID, f.l, map[string]string{"gain": "A job in logistics\nand contacts", "often": "Every second week"})
		if err != nil {
			t.Fatal(err)
		}
		if p.Answers["gain"] != "A job in logistics\nand contacts" {
			t.Fatalf("answers: %+v", p.Answers)
		}
		// A mentor is not asked the mentee's questions.
		if _, err := f.svc.SavePreparation(ctx, f.mentor, f.pair.ID, f.l, map[string]string{"gain": "x"}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("mentor answering a mentee question: %v", err)
		}
		mine, err := f.svc.Preparation(ctx, f.mentor, f.pair.ID, f.l)
		if err != nil || len(mine.Answers) != 0 {
			t.Fatalf("the mentor sees answers: %+v %v", mine, err)
		}
		if _, err := f.svc.Preparation(ctx, f.coord, f.pair.ID, f.l); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("coordinator reading preparation: %v", err)
		}
		// The mentee's draft is prefilled from their own answers only.
		d, err := f.svc.DraftFor(ctx, f.mentee, f.pair.ID, f.l)
		if err != nil || d.Content.Frequency != "Every second week" || len(d.Content.Goals) != 1 || d.Content.Goals[0].Title != "A job in logistics" {
			t.Fatalf("prefill: %+v %v", d, err)
		}
		d, err = f.svc.DraftFor(ctx, f.mentor, f.pair.ID, f.l)
		if err != nil || d.Content.Frequency != "" || len(d.Content.Goals) != 0 {
			t.Fatalf("the mentor's prefill used the mentee's answers: %+v", d.Content)
		}
		// Removing a question from the template keeps the answer.
		tmpl, _, err := f.svc.Template(ctx, f.coord, f.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		var kept []Question
		for _, q := range tmpl.Questions {
			if q.Key != "gain" {
				kept = append(kept, q)
			}
		}
		tmpl.Questions = kept
		if _, err := f.svc.SaveTemplate(ctx, f.coord, f.prog.ID, *tmpl); err != nil {
			t.Fatal(err)
		}
		p, err = f.svc.Preparation(ctx, f.mentee, f.pair.ID, f.l)
		if err != nil || len(p.Earlier) != 1 || p.Earlier[0].Text != "A job in logistics\nand contacts" {
			t.Fatalf("removed question's answer: %+v %v", p, err)
		}
		if _, err := f.svc.SavePreparation(ctx, f.mentee, f.pair.ID, f.l, map[string]string{"often": "Weekly"}); err != nil {
			t.Fatal(err)
		}
		if p, _ = f.svc.Preparation(ctx, f.mentee, f.pair.ID, f.l); len(p.Earlier) != 1 {
			t.Fatal("saving other answers lost the earlier one")
		}
	})
}

func TestTemplateRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		tmpl := Template{
			Clauses:   map[string]Clauses{"nb": {MentorRole: "Mentor lytter."}, "xx": {}},
			Questions: []Question{{Audience: "nobody", Text: map[string]string{"en": strings.Repeat("q", MaxQuestionText+1)}}, {Text: map[string]string{}}},
		}
		_, err := f.svc.SaveTemplate(ctx, f.coord, f.prog.ID, tmpl)
		e, ok := errs.As(err)
		if !ok || e.Fields["clauses.xx"].Key == "" || e.Fields["questions.0.audience"].Key == "" ||
			e.Fields["questions.0.text.en"].Key != "error.too_long" || e.Fields["questions.1.text"].Key != "agreement.error.question_empty" {
			t.Fatalf("template validation: %v", err)
		}
		tmpl = Template{Clauses: map[string]Clauses{"nb": {MentorRole: "Mentor lytter."}},
			Questions: []Question{{Audience: AudienceMentee, Text: map[string]string{"sv": "Vad drömmer du om?"}}}}
		saved, err := f.svc.SaveTemplate(ctx, f.coord, f.prog.ID, tmpl)
		if err != nil {
			t.Fatal(err)
		}
		if saved.Questions[0].Key == "" {
			t.Fatal("new question got no key")
		}
		b, _ := i18n.Load()
		nb := saved.ClausesIn(b.Locale("nb"))
		if nb.MentorRole != "Mentor lytter." || nb.Voluntary != b.Locale("nb").T("agreement.default.voluntary") {
			t.Fatalf("nb clauses: %+v", nb)
		}
		if got := QuestionText(saved.Questions[0], b.Locale("id")); got != "Vad drömmer du om?" {
			t.Fatalf("fallback question text: %q", got)
		}
		if _, _, err := f.svc.Template(ctx, f.mentor, f.prog.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("participant reading the template: %v", err)
		}
	})
}

// TestConcurrentSavesOneWins runs many saves based on the same version at
// once: exactly one becomes the next version, the rest are conflicts.
func TestConcurrentSavesOneWins(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		if _, err := f.svc.SaveDraft(ctx, f.mentor, f.pair.ID, 0, sampleContent(), f.l); err != nil {
			t.Fatal(err)
		}
		const n = 8
		results := make(chan error, n)
		for i := range n {
			go func() {
				c := sampleContent()
				c.Frequency = fmt.Sprintf("Variant %d", i)
				u := f.mentor
				if i%2 == 1 {
					u = f.mentee
				}
				_, err := f.svc.SaveDraft(ctx, u, f.pair.ID, 1, c, f.l)
				results <- err
			}()
		}
		wins := 0
		for range n {
			err := <-results
			switch {
			case err == nil:
				wins++
			case errs.Is(err, errs.Conflict):
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if wins != 1 {
			t.Fatalf("%d saves won, want exactly 1", wins)
		}
		if n, _ := currentNumber(ctx, db, f.pair.ID); n != 2 {
			t.Fatalf("newest version %d, want 2", n)
		}
	})
}

func BenchmarkHash(b *testing.B) {
	c := sampleContent()
	c.Confidentiality = strings.Repeat("Det vi snakker om, blir mellom oss.\n", 100)
	for b.Loop() {
		Hash(c)
	}
}

func BenchmarkLineDiff(b *testing.B) {
	var x, y []string
	for i := range 400 {
		x = append(x, fmt.Sprintf("line %d of the agreement", i))
		if i%7 != 0 {
			y = append(y, fmt.Sprintf("line %d of the agreement", i))
		} else {
			y = append(y, fmt.Sprintf("changed line %d", i))
		}
	}
	a, c := strings.Join(x, "\n"), strings.Join(y, "\n")
	b.ResetTimer()
	for b.Loop() {
		LineDiff(a, c)
	}
}

// Wrong passwords on the signing form count against the login throttle:
// after account.MaxFailsPerKey of them the right password signs nothing
// until the window passes, the draft stays as it was, and the other side
// is not held up.
func TestSignThrottled(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := account.WithClientIP(context.Background(), "198.51.100.9")
		f := newFixture(t, db)
		v1, err := f.svc.SaveDraft(ctx, f.mentee, f.pair.ID, 0, sampleContent(), f.l)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < account.MaxFailsPerKey; i++ {
			_, err := f.svc.Sign(ctx, f.mentee, f.pair.ID, 1, "nope", f.mentee.Name)
			if e, ok := errs.As(err); !ok || e.Kind != errs.Invalid || e.Fields["password"].Key != "error.password_wrong" {
				t.Fatalf("wrong password %d: %v", i+1, err)
			}
		}
		_, err = f.svc.Sign(ctx, f.mentee, f.pair.ID, 1, "password-"+f.mentee.Email, f.mentee.Name)
		if e, ok := errs.As(err); !ok || e.Kind != errs.TooMany || e.Fields["password"].Key != "password.error.throttled" {
			t.Fatalf("right password while throttled: %v", err)
		}
		vs, err := Versions(ctx, db, f.pair.ID)
		if err != nil || len(vs) != 1 || len(vs[0].Signatures) != 0 || vs[0].Hash != v1.Hash {
			t.Fatalf("throttled signing touched the agreement: %v %+v", err, vs)
		}
		// The other side signs as usual.
		f.sign(t, f.mentor, 1)
		f.clk.Advance(account.ThrottleWindow + time.Second)
		if v := f.sign(t, f.mentee, 1); !v.Complete() {
			t.Fatal("signing after the window did not complete the agreement")
		}
	})
}
