package matching

import (
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	cohortgen "mentorskap/bench/cohort"
	"mentorskap/internal/i18n"
	"mentorskap/internal/matching/assign"
	"mentorskap/internal/program"
)

// only weighs one criterion and switches the hard rules off, so that a
// score shows exactly what that criterion gives.
func only(c Criterion, w int) Settings {
	set := DefaultSettings()
	for _, k := range Criteria {
		set.Weights[k] = 0
	}
	set.Weights[c] = w
	set.RequireLanguage, set.SeparateOrganisations = false, false
	return set
}

func mentee(mod func(p *program.Participant)) program.Participant {
	p := program.Participant{UserID: 100, Name: "Mentee", Role: "mentee", Languages: []string{"nb"}, Capacity: 1}
	if mod != nil {
		mod(&p)
	}
	return p
}

func mentor(mod func(p *program.Participant)) program.Participant {
	p := program.Participant{UserID: 200, Name: "Mentor", Role: "mentor", Languages: []string{"nb"}, Capacity: 1}
	if mod != nil {
		mod(&p)
	}
	return p
}

func scoreOf(t *testing.T, a, b program.Participant, set Settings) (int64, bool) {
	t.Helper()
	return NewScorer([]program.Participant{a}, []program.Participant{b}, set).Score(0, 0)
}

func TestEachCriterion(t *testing.T) {
	t.Parallel()
	type P = program.Participant
	cases := []struct {
		name string
		c    Criterion
		a, b func(p *P)
		want int64 // points before weighting
	}{
		{"shared language", Language, func(p *P) { p.Languages = []string{"sv", "en"} }, func(p *P) { p.Languages = []string{"en"} }, 100},
		{"no shared language", Language, func(p *P) { p.Languages = []string{"sv"} }, func(p *P) { p.Languages = []string{"id"} }, 0},

		{"half the needs", Skills, func(p *P) { p.Needs = "Public speaking\nBudgeting\nLeadership\nNegotiation" },
			func(p *P) { p.Skills = "Leader development\nNegotiating salaries\nPresentations" }, 50},
		{"every need", Skills, func(p *P) { p.Needs = "Leadership, negotiation" },
			func(p *P) { p.Skills = "LEADERSHIP\nnegotiation" }, 100},
		{"no need covered", Skills, func(p *P) { p.Needs = "Budgeting" }, func(p *P) { p.Skills = "Gardening" }, 0},
		{"no needs stated", Skills, nil, func(p *P) { p.Skills = "Gardening" }, 0},

		{"same field", Field, func(p *P) { p.Field = "Health  care" }, func(p *P) { p.Field = "health care" }, 100},
		{"related field", Field, func(p *P) { p.Field = "Software testing" }, func(p *P) { p.Field = "Software" }, 50},
		{"other field", Field, func(p *P) { p.Field = "Law" }, func(p *P) { p.Field = "Nursing" }, 0},

		{"same city", Location, func(p *P) { p.Location = "Bergen, Norway" }, func(p *P) { p.Location = "bergen" }, 100},
		{"same region", Location, func(p *P) { p.Location = "Bergen, Norway" }, func(p *P) { p.Location = "Oslo, Norway" }, 70},
		{"online nearby", Location, func(p *P) { p.Location, p.OnlineOK, p.Timezone = "Oslo", true, "Europe/Oslo" },
			func(p *P) { p.Location, p.OnlineOK, p.Timezone = "Stockholm", true, "Europe/Stockholm" }, 40},
		{"online far apart", Location, func(p *P) { p.Location, p.OnlineOK, p.Timezone = "Oslo", true, "Europe/Oslo" },
			func(p *P) { p.Location, p.OnlineOK, p.Timezone = "Jakarta", true, "Asia/Jakarta" }, 20},
		{"one side offline", Location, func(p *P) { p.Location, p.OnlineOK = "Oslo", true },
			func(p *P) { p.Location, p.OnlineOK = "Jakarta", false }, 0},

		{"two of three times", Availability, func(p *P) { p.MeetingTimes = []string{"weekday_morning", "weekday_evening", "weekend_morning"} },
			func(p *P) { p.MeetingTimes = []string{"weekday_evening", "weekend_morning"} }, 66},
		{"no common time", Availability, func(p *P) { p.MeetingTimes = []string{"weekday_morning"} },
			func(p *P) { p.MeetingTimes = []string{"weekend_evening"} }, 0},

		{"two interests", Interests, func(p *P) { p.Goals, p.Interests = "Become a team leader", "hiking, chess" },
			func(p *P) { p.Interests = "Chess and hiking in the mountains" }, 66},
		{"interests capped", Interests, func(p *P) { p.Interests = "hiking chess jazz cooking" },
			func(p *P) { p.Interests = "cooking jazz chess hiking" }, 100},
		{"stopwords do not count", Interests, func(p *P) { p.Interests = "and the with" },
			func(p *P) { p.Interests = "the and with" }, 0},

		{"mentor one step ahead", Career, func(p *P) { p.CareerStage = "early" }, func(p *P) { p.CareerStage = "mid" }, 100},
		{"mentor far ahead", Career, func(p *P) { p.CareerStage = "student" }, func(p *P) { p.CareerStage = "retired" }, 50},
		{"peers", Career, func(p *P) { p.CareerStage = "mid" }, func(p *P) { p.CareerStage = "mid" }, 30},
		{"mentor behind", Career, func(p *P) { p.CareerStage = "senior" }, func(p *P) { p.CareerStage = "early" }, 0},

		{"every wish", Preference, func(p *P) {
			p.Field, p.Location, p.Languages = "Law", "Oslo", []string{"nb", "en"}
			p.WishSameField, p.WishInPerson, p.WishLanguage, p.WishStage = true, true, "en", "senior"
		}, func(p *P) { p.Field, p.Location, p.Languages, p.CareerStage = "law", "Oslo", []string{"en"}, "senior" }, 100},
		{"one wish of four", Preference, func(p *P) {
			p.Field, p.Location, p.Languages = "Law", "Oslo", []string{"nb", "en"}
			p.WishSameField, p.WishInPerson, p.WishLanguage, p.WishStage = true, true, "en", "senior"
		}, func(p *P) { p.Field, p.Location, p.Languages, p.CareerStage = "Law", "Bergen", []string{"nb"}, "mid" }, 25},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := scoreOf(t, mentee(tc.a), mentor(tc.b), only(tc.c, 3))
			if !ok || got != 3*tc.want {
				t.Fatalf("score %d (ok %v), want %d", got, ok, 3*tc.want)
			}
		})
	}
}

func TestWeightsAddUp(t *testing.T) {
	t.Parallel()
	a := mentee(func(p *program.Participant) { p.Field, p.CareerStage = "Law", "early" })
	b := mentor(func(p *program.Participant) { p.Field, p.CareerStage = "Law", "senior" })
	set := only(Language, 2)
	set.Weights[Field] = 5
	set.Weights[Career] = 1
	got, ok := scoreOf(t, a, b, set)
	if want := int64(2*100 + 5*100 + 1*100); !ok || got != want {
		t.Fatalf("score %d, want %d", got, want)
	}
	sc := NewScorer([]program.Participant{a}, []program.Participant{b}, set)
	if sc.Max() != 800 || sc.Percent(got) != 100 || sc.Percent(400) != 50 {
		t.Fatalf("max %d, percent %d", sc.Max(), sc.Percent(got))
	}
}

func TestHardRules(t *testing.T) {
	t.Parallel()
	set := DefaultSettings()
	a := mentee(func(p *program.Participant) { p.Organisation, p.Languages = "Acme AS", []string{"nb"} })
	sameOrg := mentor(func(p *program.Participant) { p.Organisation = " acme  as" })
	otherLang := mentor(func(p *program.Participant) { p.UserID, p.Languages = 201, []string{"id"} })
	excluded := mentor(func(p *program.Participant) { p.UserID = 202 })
	fine := mentor(func(p *program.Participant) { p.UserID = 203 })
	set.Excluded = []Exclusion{{MenteeID: 100, MentorID: 202}}
	sc := NewScorer([]program.Participant{a}, []program.Participant{sameOrg, otherLang, excluded, fine}, set)
	for j, key := range []string{"score.rule.organisation", "score.rule.language", "score.rule.excluded", ""} {
		_, ok := sc.Score(0, j)
		if ok != (key == "") {
			t.Errorf("mentor %d: allowed %v", j, ok)
		}
		rs := sc.Explain(0, j)
		if key == "" {
			for _, r := range rs {
				if r.HardRule() {
					t.Errorf("mentor %d: unexpected rule %v", j, r)
				}
			}
			continue
		}
		if len(rs) == 0 || rs[0].Key != key || !rs[0].HardRule() {
			t.Errorf("mentor %d: explanation %v, want %s first", j, rs, key)
		}
	}

	// The rules can be switched off.
	set.RequireLanguage, set.SeparateOrganisations, set.Excluded = false, false, nil
	sc = NewScorer([]program.Participant{a}, []program.Participant{sameOrg, otherLang, excluded, fine}, set)
	for j := range 4 {
		if _, ok := sc.Score(0, j); !ok {
			t.Errorf("mentor %d forbidden without rules", j)
		}
	}
}

func TestMustMatch(t *testing.T) {
	t.Parallel()
	set := only(Skills, MustMatch)
	needy := mentee(func(p *program.Participant) { p.Needs = "Budgeting" })
	if _, ok := scoreOf(t, needy, mentor(func(p *program.Participant) { p.Skills = "Gardening" }), set); ok {
		t.Fatal("a must-match criterion with nothing in common allowed the pair")
	}
	if s, ok := scoreOf(t, needy, mentor(func(p *program.Participant) { p.Skills = "Budgets" }), set); !ok || s != 1000 {
		t.Fatalf("score %d ok %v", s, ok)
	}
	// A mentee who stated no needs cannot fail the rule.
	if _, ok := scoreOf(t, mentee(nil), mentor(func(p *program.Participant) { p.Skills = "Gardening" }), set); !ok {
		t.Fatal("a criterion that cannot be judged forbade the pair")
	}
	sc := NewScorer([]program.Participant{needy}, []program.Participant{mentor(func(p *program.Participant) { p.Skills = "Gardening" })}, set)
	rs := sc.Explain(0, 0)
	if len(rs) == 0 || rs[0].Key != "score.rule.must" || rs[0].Criterion != Skills {
		t.Fatalf("explanation %v", rs)
	}
}

func TestExplanationsInEveryLanguage(t *testing.T) {
	t.Parallel()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	a := mentee(func(p *program.Participant) {
		p.Languages = []string{"nb", "en"}
		p.Needs = "Leadership\nNegotiation\nBudgeting\nPublic speaking"
		p.Location, p.Field, p.CareerStage = "Bergen, Norway", "Health care", "early"
		p.MeetingTimes = []string{"weekday_evening", "weekend_morning"}
		p.Interests = "Hiking"
		p.WishLanguage = "nb"
	})
	b := mentor(func(p *program.Participant) {
		p.Languages = []string{"nb", "sv"}
		p.Skills = "Leadership\nNegotiation\nTeam building"
		p.Location, p.Field, p.CareerStage = "Bergen", "health care", "senior"
		p.MeetingTimes = []string{"weekday_evening"}
		p.Interests = "hiking, sailing"
	})
	sc := NewScorer([]program.Participant{a}, []program.Participant{b}, DefaultSettings())
	reasons := sc.Explain(0, 0)
	var sum int64
	for k, r := range reasons {
		sum += r.Points
		if k > 0 && r.Points > reasons[k-1].Points {
			t.Errorf("reasons not ordered by points: %v", reasons)
		}
	}
	if s, _ := sc.Score(0, 0); s != sum {
		t.Errorf("reasons add up to %d, score is %d", sum, s)
	}
	want := map[string][]string{
		"en": {"Both speak Norwegian", "Covers 2 of 4 needs: Leadership, Negotiation", "Same place: Bergen", "Same field: Health care",
			"Both free: weekday evenings", "in common: Hiking", "Mentor further on in career (Senior; mentee: Early career)",
			"Speaks Norwegian, as the mentee wished"},
		"nb": {"Begge snakker norsk", "Dekker 2 av 4 behov: Leadership, Negotiation", "Samme sted: Bergen", "Samme fagfelt: Health care",
			"Begge har tid: kvelder på hverdager", "Snakker norsk, slik adepten ønsket"},
		"sv": {"Båda talar norska", "Täcker 2 av 4 behov", "Samma ort: Bergen", "Båda har tid: vardagskvällar", "Talar norska, som adepten önskade"},
		"id": {"Sama-sama berbahasa Norwegia", "Mencakup 2 dari 4 kebutuhan", "Tempat yang sama: Bergen", "Sama-sama luang: malam hari kerja",
			"Berbahasa Norwegia, sesuai keinginan mentee"},
	}
	for _, lang := range i18n.Languages {
		l := bundle.Locale(lang)
		var lines []string
		for _, r := range reasons {
			lines = append(lines, r.Localize(l))
		}
		text := strings.Join(lines, "\n")
		if strings.Contains(text, "score.") || strings.Contains(text, "{") {
			t.Errorf("%s: untranslated text:\n%s", lang, text)
		}
		for _, w := range want[lang] {
			if !strings.Contains(text, w) {
				t.Errorf("%s: explanation lacks %q:\n%s", lang, w, text)
			}
		}
		// As a message argument too.
		if got := l.T("score.rule.must", "criterion", Skills); !strings.Contains(got, l.T("score.criterion.skills")) {
			t.Errorf("%s: criterion not named: %q", lang, got)
		}
	}
	if got := LanguageName(bundle.Locale("sv"), "xq"); got != "xq" {
		t.Errorf("unknown language named %q", got)
	}
}

func TestWhyUnmatchable(t *testing.T) {
	t.Parallel()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	en := bundle.Locale("en")
	a := mentee(func(p *program.Participant) { p.Languages, p.Organisation = []string{"id"}, "Acme" })
	nb := func(id int64) program.Participant {
		return mentor(func(p *program.Participant) { p.UserID, p.Languages = id, []string{"nb"} })
	}
	text := func(rs []Reason) string {
		var s []string
		for _, r := range rs {
			s = append(s, r.Localize(en))
		}
		return strings.Join(s, "; ")
	}
	set := DefaultSettings()

	if got := text(NewScorer([]program.Participant{a}, nil, set).WhyUnmatchable(0)); got != "There are no mentors with free places" {
		t.Errorf("no mentors: %q", got)
	}
	sc := NewScorer([]program.Participant{a}, []program.Participant{nb(1), nb(2)}, set)
	if got := text(sc.WhyUnmatchable(0)); got != "No mentor speaks Indonesian" {
		t.Errorf("no language: %q", got)
	}
	sameOrg := mentor(func(p *program.Participant) { p.UserID, p.Languages, p.Organisation = 3, []string{"id"}, "ACME" })
	sc = NewScorer([]program.Participant{a}, []program.Participant{nb(1), nb(2), sameOrg}, set)
	if got := text(sc.WhyUnmatchable(0)); got != "2 mentors speak none of these languages: Indonesian; 1 mentor works at Acme" {
		t.Errorf("mixed: %q", got)
	}
	free := mentor(func(p *program.Participant) { p.UserID, p.Languages = 4, []string{"id"} })
	sc = NewScorer([]program.Participant{a}, []program.Participant{nb(1), free}, set)
	if got := text(sc.WhyUnmatchable(0)); got != "The one mentor who would suit went to someone else" {
		t.Errorf("taken: %q", got)
	}
}

func TestSolveRespectsCapacityAndRules(t *testing.T) {
	t.Parallel()
	// Three mentees all want the same mentor most; she takes two.
	var mentees []program.Participant
	for k, need := range []string{"Leadership", "Leadership\nBudgeting", "Leadership"} {
		mentees = append(mentees, mentee(func(p *program.Participant) { p.UserID, p.Needs = int64(100+k), need }))
	}
	star := mentor(func(p *program.Participant) { p.UserID, p.Skills, p.Capacity = 200, "Leadership\nBudgeting", 2 })
	other := mentor(func(p *program.Participant) { p.UserID, p.Skills, p.Capacity = 201, "Cooking", 3 })
	set := only(Skills, 5)
	set.UnmatchedPenalty = 100
	set.Excluded = []Exclusion{{MenteeID: 102, MentorID: 200}}
	sc := NewScorer(mentees, []program.Participant{star, other}, set)
	p := sc.Problem()
	if !reflect.DeepEqual(p.Capacity, []int{2, 3}) || p.UnmatchedPenalty != float64(sc.Max()) {
		t.Fatalf("problem capacity %v penalty %v", p.Capacity, p.UnmatchedPenalty)
	}
	sol, err := assign.Solve(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := assign.Verify(p, sol); err != nil {
		t.Fatal(err)
	}
	// Mentee 2 is excluded from the star, so mentees 0 and 1 get her.
	if want := []int{0, 0, 1}; !reflect.DeepEqual(sol.MentorOf, want) {
		t.Fatalf("assignment %v, want %v", sol.MentorOf, want)
	}
	if sol.Total != 500+500+0 {
		t.Fatalf("total %v", sol.Total)
	}

	sub := sc.SubProblem([]int{2}, []int{1}, []int{1})
	if s, ok := sub.Score(0, 0); !ok || s != 0 || sub.Mentees != 1 || sub.Mentors != 1 {
		t.Fatalf("sub-problem score %v %v", s, ok)
	}

	top := sc.Top(1, 5, nil)
	if len(top) != 2 || top[0].Mentor != 0 || top[0].Score != 500 || top[1].Mentor != 1 {
		t.Fatalf("top %v", top)
	}
	if top := sc.Top(1, 1, func(j int) bool { return j == 0 }); len(top) != 1 || top[0].Mentor != 1 {
		t.Fatalf("top skipping the star %v", top)
	}
}

func TestWords(t *testing.T) {
	t.Parallel()
	got := words("Leadership, and LEADERS; negotiating with Æsir-ledelse!")
	want := []string{"leader", "negoti", "æsir", "ledels"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("words %q, want %q", got, want)
	}
	if c, r := place(" Bergen , Vestland, Norway "); c != "bergen" || r != "norway" {
		t.Fatalf("place %q %q", c, r)
	}
}

// TestScoreAgreesWithExplain checks, on generated cohorts under several
// settings, that Score and the explanations tell the same story: the
// points of the reasons add up to the score, a pair is forbidden exactly
// when a hard rule is given, and WhyUnmatchable blames rules only for
// mentees no mentor is allowed for.
func TestScoreAgreesWithExplain(t *testing.T) {
	t.Parallel()
	mentees, mentors := cohortgen.Generate(60, 40, 2, 7)
	settings := map[string]Settings{"defaults": DefaultSettings()}
	strict := DefaultSettings()
	strict.Weights[Skills], strict.Weights[Availability] = MustMatch, MustMatch
	strict.Excluded = []Exclusion{{MenteeID: mentees[0].UserID, MentorID: mentors[0].UserID}}
	settings["strict"] = strict
	loose := only(Field, 4)
	loose.Weights[Location], loose.Weights[Language] = MustMatch, 2
	settings["loose"] = loose
	for name, set := range settings {
		t.Run(name, func(t *testing.T) {
			sc := NewScorer(mentees, mentors, set)
			forbidden := 0
			for i := range mentees {
				allowed := 0
				for j := range mentors {
					s, ok := sc.Score(i, j)
					var sum int64
					rule := false
					for _, r := range sc.Explain(i, j) {
						sum += r.Points
						rule = rule || r.HardRule()
					}
					if ok == rule {
						t.Fatalf("pair %d,%d: allowed %v, hard rule explained %v: %v", i, j, ok, rule, sc.Explain(i, j))
					}
					if ok && sum != s {
						t.Fatalf("pair %d,%d: score %d, reasons add up to %d", i, j, s, sum)
					}
					if ok {
						allowed++
					} else {
						forbidden++
					}
					if s < 0 || s > sc.Max() {
						t.Fatalf("score %d outside 0..%d", s, sc.Max())
					}
				}
				why := sc.WhyUnmatchable(i)
				if len(why) == 0 || why[0].HardRule() == (allowed > 0) {
					t.Fatalf("mentee %d with %d allowed mentors: %v", i, allowed, why)
				}
			}
			if forbidden == 0 {
				t.Fatal("no pair was forbidden: the settings test nothing")
			}
		})
	}
}

// Large problems read scores from a table filled ahead; it must say
// exactly what Score says.
func TestProblemTableAgreesWithScore(t *testing.T) {
	t.Parallel()
	mentees, mentors := cohortgen.Generate(1100, 1000, 2, 5)
	sc := NewScorer(mentees, mentors, DefaultSettings())
	rows := []int{3, 1099, 0, 500}
	for i := 4; len(rows) < 1100; i++ {
		rows = append(rows, i%1100)
	}
	var cols []int
	for j := 999; j >= 0; j-- {
		cols = append(cols, j)
	}
	p := sc.SubProblem(rows, cols, nil)
	if p.Mentees*p.Mentors <= tableMin {
		t.Fatal("the problem is too small to use the table")
	}
	forbidden := 0
	for a := 0; a < len(rows); a += 7 {
		for b := range cols {
			want, wok := sc.Score(rows[a], cols[b])
			got, ok := p.Score(a, b)
			if ok != wok || ok && got != float64(want) {
				t.Fatalf("pair %d,%d: table %v %v, Score %v %v", a, b, got, ok, want, wok)
			}
			if !ok {
				forbidden++
			}
		}
	}
	if forbidden == 0 || p.Capacity[0] != mentors[999].Capacity {
		t.Fatalf("forbidden %d, capacity %v", forbidden, p.Capacity[:3])
	}
}

// Every message key the explanations can produce is in the catalogs; the
// web package's key test cannot see keys chosen in Go code like these.
func TestExplanationKeysExist(t *testing.T) {
	t.Parallel()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("explain.go")
	if err != nil {
		t.Fatal(err)
	}
	keys := regexp.MustCompile(`"(score\.[a-z_.]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(keys) < 30 {
		t.Fatalf("found only %d keys", len(keys))
	}
	for _, k := range keys {
		key := k[1]
		if strings.HasSuffix(key, ".") {
			continue // a prefix: score.lang. and the like
		}
		if strings.HasPrefix(key, "score.wish.") {
			for _, end := range []string{"_met", "_unmet"} {
				if !bundle.Has(key + end) {
					t.Errorf("catalog lacks %s", key+end)
				}
			}
			continue
		}
		if !bundle.Has(key) {
			t.Errorf("catalog lacks %s", key)
		}
	}
	for _, c := range Criteria {
		for _, key := range []string{"score.criterion." + string(c), "score.criterion." + string(c) + ".hint"} {
			if !bundle.Has(key) {
				t.Errorf("catalog lacks %s", key)
			}
		}
	}
	for _, s := range program.MeetingSlots {
		if !bundle.Has("score.time." + s) {
			t.Errorf("catalog lacks score.time.%s", s)
		}
	}
}
