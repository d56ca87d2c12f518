package matching

import (
	"math/bits"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
)

// Reason is one line of a score's explanation, translated by the page in
// the reader's language: {{.Localize $.L}} in a template, or as a message
// argument (it is an i18n.Localizer). The phrasing is neutral, so that
// the same line reads right for the coordinator and for the mentee.
type Reason struct {
	Key  string
	Args []any
	// Count picks the plural form of counted messages (WhyUnmatchable).
	Count   int
	counted bool

	Criterion Criterion // the criterion it explains; "" for hard rules
	Points    int64     // what it added to the score (weight × points); 0 for misses
	Rule      bool      // a hard rule that forbids the pair
}

// HardRule reports whether the reason forbids the pair.
func (r Reason) HardRule() bool { return r.Rule }

// Localize renders the reason in l's language.
func (r Reason) Localize(l *i18n.Locale) string {
	if r.counted {
		return l.N(r.Key, r.Count, r.Args...)
	}
	return l.T(r.Key, r.Args...)
}

// Localize names the criterion in l's language.
func (c Criterion) Localize(l *i18n.Locale) string { return l.T("score.criterion." + string(c)) }

// LangList is a list of language codes that renders as their names in
// the reader's language.
type LangList []string

// Localize joins the languages' names.
func (ll LangList) Localize(l *i18n.Locale) string {
	names := make([]string, len(ll))
	for k, c := range ll {
		names[k] = LanguageName(l, c)
	}
	return strings.Join(names, ", ")
}

// LanguageName is a language code's name in l's language, or the code
// itself for a language the catalogs do not name.
func LanguageName(l *i18n.Locale, code string) string {
	key := "score.lang." + code
	if name := l.T(key); name != key {
		return name
	}
	return code
}

// timeList renders slot bits (program.MeetingSlots order) by name.
type timeList uint8

func (t timeList) Localize(l *i18n.Locale) string {
	var names []string
	for k, s := range program.MeetingSlots {
		if t&(1<<k) != 0 {
			names = append(names, l.T("score.time."+s))
		}
	}
	return strings.Join(names, ", ")
}

// stageName renders a career stage by the profile form's name for it.
type stageName string

func (s stageName) Localize(l *i18n.Locale) string { return l.T("enrol.stage." + string(s)) }

// Explain says why mentee i and mentor j score what they do: first any
// hard rule that forbids the pair, then what each criterion added, most
// first, then the criteria on which they have nothing in common (Points
// 0). Criteria with weight 0, or that cannot be judged for the pair, are
// left out.
func (s *Scorer) Explain(i, j int) []Reason {
	out := s.rulesBroken(i, j)
	var pt points
	ra, rb := &s.a[i], &s.b[j]
	s.measure(ra, rb, j, &pt)
	a, b := &s.mentees[i], &s.mentors[j]
	judged := s.judged(ra, rb)
	for k, c := range Criteria {
		if !judged[k] {
			continue
		}
		got := s.w[k] * pt.p[k]
		r := Reason{Criterion: c, Points: got}
		switch c {
		case Language:
			if got > 0 || pt.p[k] > 0 {
				r.Key, r.Args = "score.why.language", []any{"languages", s.sharedLangs(i, j)}
			} else {
				r.Key = "score.miss.language"
			}
		case Skills:
			needs := lines(a.Needs)
			var names []string
			for t := range min(len(needs), maxNeeds) {
				if pt.covered&(1<<t) != 0 {
					names = append(names, needs[t])
				}
			}
			n, total := bits.OnesCount64(pt.covered), int(ra.needCount)
			switch {
			case n == 0:
				r.Key = "score.miss.skills"
			case n == total:
				r.Key, r.Args = "score.why.skills_all", []any{"needs", strings.Join(names, ", ")}
			default:
				r.Key, r.Args = "score.why.skills_some", []any{"covered", n, "total", total, "needs", strings.Join(names, ", ")}
			}
		case Field:
			switch pt.p[k] {
			case full:
				r.Key, r.Args = "score.why.field_same", []any{"field", strings.TrimSpace(a.Field)}
			case fieldRelated:
				r.Key, r.Args = "score.why.field_related", []any{"field", strings.TrimSpace(b.Field), "own", strings.TrimSpace(a.Field)}
			default:
				r.Key, r.Args = "score.miss.field", []any{"field", strings.TrimSpace(b.Field)}
			}
		case Location:
			switch pt.placeLevel {
			case placeCity:
				r.Key, r.Args = "score.why.place_city", []any{"place", strings.TrimSpace(strings.Split(b.Location, ",")[0])}
			case placeRegion:
				parts := strings.Split(b.Location, ",")
				r.Key, r.Args = "score.why.place_region", []any{"region", strings.TrimSpace(parts[len(parts)-1])}
			case placeOnline:
				r.Key = "score.why.place_online"
			case placeFar:
				r.Key, r.Args = "score.why.place_far", []any{"hours", (int(abs16(ra.zone-rb.zone)) + 30) / 60}
			default:
				r.Key = "score.miss.place"
			}
		case Availability:
			if both := ra.times & rb.times; both != 0 {
				r.Key, r.Args = "score.why.times", []any{"times", timeList(both)}
			} else {
				r.Key = "score.miss.times"
			}
		case Interests:
			if shared := s.sharedInterests(i, j); len(shared) > 0 {
				r.Key, r.Args = "score.why.interests", []any{"interests", strings.Join(shared, ", ")}
			} else {
				r.Key = "score.miss.interests"
			}
		case Career:
			mentor, mentee := stageName(b.CareerStage), stageName(a.CareerStage)
			switch d := rb.stage - ra.stage; {
			case d > 0:
				r.Key, r.Args = "score.why.career_ahead", []any{"mentor", mentor, "mentee", mentee}
			case d == 0:
				r.Key, r.Args = "score.why.career_peer", []any{"stage", mentor}
			default:
				r.Key, r.Args = "score.miss.career", []any{"mentor", mentor, "mentee", mentee}
			}
		case Preference:
			out = append(out, s.wishReasons(i, pt.wishesMet, got)...)
			continue
		}
		out = append(out, r)
	}
	if len(s.qs) > 0 {
		why, _ := s.questionReasons(i, j)
		out = append(out, why...)
	}
	rules := 0
	for rules < len(out) && out[rules].Rule {
		rules++
	}
	rest := out[rules:]
	sort.SliceStable(rest, func(x, y int) bool { return rest[x].Points > rest[y].Points })
	return out
}

// rulesBroken lists every hard rule the pair breaks, must-match criteria
// included.
func (s *Scorer) rulesBroken(i, j int) []Reason {
	var out []Reason
	a, b := &s.a[i], &s.b[j]
	if s.set.SeparateOrganisations && a.org != 0 && a.org == b.org {
		out = append(out, Reason{Key: "score.rule.organisation", Rule: true,
			Args: []any{"organisation", strings.TrimSpace(s.mentors[j].Organisation)}})
	}
	switch {
	case s.isFormer(i, j):
		// Said alone: a chemistry rematch also excludes the pair, and
		// "they were a pair" is the reason the coordinator knows.
		out = append(out, Reason{Key: "matching.rule.former_pair", Rule: true})
	case s.excluded != nil && s.isExcluded(i, j):
		out = append(out, Reason{Key: "score.rule.excluded", Rule: true})
	}
	var pt points
	s.measure(a, b, j, &pt)
	if s.set.RequireLanguage && !pt.shareLang {
		out = append(out, Reason{Key: "score.rule.language", Rule: true})
	}
	judged := s.judged(a, b)
	for k, c := range Criteria {
		if s.must[k] && judged[k] && pt.p[k] == 0 {
			if c == Language && s.set.RequireLanguage {
				continue // already said
			}
			out = append(out, Reason{Key: "score.rule.must", Args: []any{"criterion", c}, Criterion: c, Rule: true})
		}
	}
	if len(s.qs) > 0 {
		_, broken := s.questionReasons(i, j)
		out = append(out, broken...)
	}
	return out
}

func (s *Scorer) sharedLangs(i, j int) LangList {
	var out LangList
	for _, l := range s.mentees[i].Languages {
		if id, ok := s.langs[l]; ok && s.rowHas(j, int32(s.offLang)<<6+id) {
			out = append(out, l)
		}
	}
	return out
}

// sharedInterests lists the mentee's own words (as they wrote them) that
// meet a word of the mentor's goals and interests.
func (s *Scorer) sharedInterests(i, j int) []string {
	var out []string
	seen := map[string]bool{}
	a := s.mentees[i]
	for _, w := range strings.FieldsFunc(a.Goals+"\n"+a.Interests, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		lw := strings.ToLower(w)
		if utf8.RuneCountInString(lw) < minRunes || stopwords[lw] {
			continue
		}
		st := stem(lw)
		if id, ok := s.interests[st]; ok && !seen[st] && s.rowHas(j, int32(s.offInt)<<6+id) {
			seen[st] = true
			out = append(out, w)
		}
	}
	return out
}

// wishReasons says which of the mentee's wishes the mentor meets; the
// criterion's points are shared among the wishes met.
func (s *Scorer) wishReasons(i int, met uint8, got int64) []Reason {
	a := &s.mentees[i]
	wishes := s.a[i].wishes
	n := int64(bits.OnesCount8(met))
	var out []Reason
	give := func(bit uint8) int64 {
		if met&bit == 0 {
			return 0
		}
		p := got / n
		if bits.OnesCount8(met&(bit-1)) == 0 {
			p += got % n // the remainder to the first wish met
		}
		return p
	}
	add := func(bit uint8, key string, args ...any) {
		if wishes&bit == 0 {
			return
		}
		if met&bit != 0 {
			key += "_met"
		} else {
			key += "_unmet"
		}
		out = append(out, Reason{Key: key, Args: args, Criterion: Preference, Points: give(bit)})
	}
	add(wishField, "score.wish.field")
	add(wishInPerson, "score.wish.in_person")
	add(wishLanguage, "score.wish.language", "language", LangList{a.WishLanguage})
	add(wishStage, "score.wish.stage", "stage", stageName(a.WishStage))
	return out
}

// WhyUnmatchable says why mentee i was left without a mentor. When some
// mentors are allowed, the answer is that they went to others (the
// solver found that better overall, or places ran out); otherwise it
// names the rules that rule out every mentor, with how many each rules
// out.
func (s *Scorer) WhyUnmatchable(i int) []Reason {
	if len(s.mentors) == 0 {
		return []Reason{{Key: "score.unmatchable.no_mentors", Rule: true}}
	}
	type cause struct {
		key  string // which rule; all and some are its two messages
		args []any
		crit Criterion
	}
	msgs := map[string][2]string{
		"organisation": {"score.unmatchable.all_organisation", "score.unmatchable.some_organisation"},
		"excluded":     {"score.unmatchable.all_excluded", "score.unmatchable.some_excluded"},
		"former":       {"matching.unmatchable.all_former", "matching.unmatchable.some_former"},
		"language":     {"score.unmatchable.all_language", "score.unmatchable.some_language"},
		"must":         {"score.unmatchable.all_must", "score.unmatchable.some_must"},
	}
	var causes []cause
	count := map[int]int{}
	allowed := 0
	var pt points
	for j := range s.mentors {
		var c cause
		switch s.forbiddenByRule(i, j) {
		case ruleOrganisation:
			c = cause{key: "organisation", args: []any{"organisation", strings.TrimSpace(s.mentees[i].Organisation)}}
		case ruleFormer:
			c = cause{key: "former"}
		case ruleExcluded:
			c = cause{key: "excluded"}
		case ruleLanguage:
			c = cause{key: "language", args: []any{"languages", LangList(s.mentees[i].Languages)}}
		default:
			pt = points{}
			s.measure(&s.a[i], &s.b[j], j, &pt)
			if k := s.failsMust(&s.a[i], &s.b[j], &pt); k >= 0 {
				c = cause{key: "must", args: []any{"criterion", Criteria[k]}, crit: Criteria[k]}
			} else if k := s.failsQuestionMust(i, j); k >= 0 {
				q := s.qs[k].rule.Question
				c = cause{key: "must", args: []any{"criterion", q.Name()}, crit: questionCriterion(q)}
			}
		}
		if c.key == "" {
			allowed++
			continue
		}
		at := -1
		for k, o := range causes {
			if o.key == c.key && o.crit == c.crit {
				at = k
			}
		}
		if at < 0 {
			at = len(causes)
			causes = append(causes, c)
		}
		count[at]++
	}
	if allowed > 0 {
		return []Reason{{Key: "score.unmatchable.taken", Count: allowed, counted: true}}
	}
	if len(causes) == 1 {
		c := causes[0]
		return []Reason{{Key: msgs[c.key][0], Args: c.args, Criterion: c.crit, Rule: true}}
	}
	order := make([]int, len(causes))
	for k := range order {
		order[k] = k
	}
	sort.SliceStable(order, func(x, y int) bool { return count[order[x]] > count[order[y]] })
	out := make([]Reason, 0, len(causes))
	for _, k := range order {
		c := causes[k]
		out = append(out, Reason{Key: msgs[c.key][1], Args: c.args, Count: count[k], counted: true,
			Criterion: c.crit, Rule: true})
	}
	return out
}
