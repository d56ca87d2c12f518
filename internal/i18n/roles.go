package i18n

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Role words. Organisations call the person who is mentored different
// things (adept, deltaker, mentee, peserta), and a program may choose its
// own word per language. The catalogs are written with the default words
// below; a Locale made WithRoles swaps each form of a default word for the
// program's form as it translates, so that every page and email of the
// program says the same thing without every message taking the role as an
// argument. Only message texts are changed, never the values filled into
// them (people's names).

// RoleMentee and RoleMentor name the roles a program may rename.
const (
	RoleMentee = "mentee"
	RoleMentor = "mentor"
)

// Roles lists the renamable roles in the order forms show them.
var Roles = []string{RoleMentee, RoleMentor}

// defaultRoleForms are the words the catalogs use, in the order of
// RoleFormNames: Norwegian and Swedish nouns inflect for definiteness and
// number, English for number only, Indonesian not at all.
var defaultRoleForms = map[string]map[string][]string{
	"en": {RoleMentee: {"mentee", "mentees"}, RoleMentor: {"mentor", "mentors"}},
	"nb": {RoleMentee: {"adept", "adepten", "adepter", "adeptene"}, RoleMentor: {"mentor", "mentoren", "mentorer", "mentorene"}},
	"sv": {RoleMentee: {"adept", "adepten", "adepter", "adepterna"}, RoleMentor: {"mentor", "mentorn", "mentorer", "mentorerna"}},
	"id": {RoleMentee: {"mentee"}, RoleMentor: {"mentor"}},
}

// DefaultRoleForms returns the catalog's forms of role in lang, joined as a
// coordinator types them ("adept, adepten, adepter, adeptene").
func DefaultRoleForms(lang, role string) string {
	return strings.Join(defaultRoleForms[lang][role], ", ")
}

// RoleWords is what one program calls its roles in one language: role →
// the word's forms in the order DefaultRoleForms shows them.
type RoleWords map[string][]string

// MaxRoleWordLen bounds one form of a role word.
const MaxRoleWordLen = 40

var roleWordRE = regexp.MustCompile(`^[\pL][\pL\pM' -]*$`)

// ParseRoleForms reads what a coordinator typed for role in lang: empty
// (the default word), the word alone (its other forms are derived by the
// language's regular pattern), or every form separated by commas. ok is
// false when the text is not a word or has the wrong number of forms.
func ParseRoleForms(lang, role, text string) (forms []string, ok bool) {
	text = strings.TrimSpace(text)
	def := defaultRoleForms[lang][role]
	if text == "" {
		return nil, def != nil
	}
	for _, f := range strings.Split(text, ",") {
		f = strings.TrimSpace(f)
		if !roleWordRE.MatchString(f) || utf8.RuneCountInString(f) > MaxRoleWordLen {
			return nil, false
		}
		forms = append(forms, strings.ToLower(f))
	}
	if len(forms) == 1 && len(def) > 1 {
		forms = deriveForms(lang, forms[0])
	}
	if len(forms) != len(def) {
		return nil, false
	}
	return forms, true
}

// deriveForms inflects a noun by the regular pattern of its language. A
// coordinator whose word is irregular types all the forms instead.
func deriveForms(lang, w string) []string {
	switch lang {
	case "en":
		return []string{w, w + "s"}
	case "nb":
		switch {
		case strings.HasSuffix(w, "er"): // deltaker, fadder
			return []string{w, w + "en", w + "e", w + "ne"}
		case strings.HasSuffix(w, "e"):
			return []string{w, w + "n", w + "r", w + "ne"}
		}
		return []string{w, w + "en", w + "er", w + "ene"}
	case "sv":
		switch {
		case strings.HasSuffix(w, "are"): // deltagare
			return []string{w, w + "n", w, strings.TrimSuffix(w, "e") + "na"}
		case strings.HasSuffix(w, "e"):
			return []string{w, w + "n", w + "r", w + "rna"}
		}
		return []string{w, w + "en", w + "er", w + "erna"}
	}
	return []string{w}
}

// roleSwap replaces the default words of one language by a program's.
type roleSwap struct {
	words map[string]string // default form (lower case) → program's form
	// stems maps the default mentee word to the program's, for compounds
	// such as "adeptsiden". Mentor compounds are left alone: "Mentorskap"
	// is the product's name and "mentoravtale" the agreement's.
	stems map[string]string
}

var letters = regexp.MustCompile(`\pL+`)

func (r *roleSwap) apply(text string) string {
	return letters.ReplaceAllStringFunc(text, func(w string) string {
		lower := strings.ToLower(w)
		if to, ok := r.words[lower]; ok {
			return matchCase(w, to)
		}
		// Genitive: adeptens → deltakerens.
		if base, ok := strings.CutSuffix(lower, "s"); ok {
			if to, ok := r.words[base]; ok {
				return matchCase(w, to+"s")
			}
		}
		for from, to := range r.stems {
			if rest, ok := strings.CutPrefix(lower, from); ok && rest != "" {
				return matchCase(w, to+rest)
			}
		}
		return w
	})
}

// matchCase gives to the capital first letter of w, as at the start of a
// sentence or a label.
func matchCase(w, to string) string {
	first, _ := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(first) {
		return to
	}
	r, n := utf8.DecodeRuneInString(to)
	return string(unicode.ToUpper(r)) + to[n:]
}

// WithRoles returns a Locale that says the program's role words instead of
// the catalog's, or l itself when the program keeps the defaults.
func (l *Locale) WithRoles(words RoleWords) *Locale {
	swap := newRoleSwap(l.lang, words)
	if swap == nil {
		return l
	}
	c := *l
	c.roles = swap
	return &c
}

// RoleText says text that the product wrote in lang outside the catalogs
// (the default meeting plan and its libraries) with a program's role
// words, as WithRoles does for catalog messages.
func RoleText(lang string, words RoleWords, text string) string {
	if swap := newRoleSwap(lang, words); swap != nil {
		return swap.apply(text)
	}
	return text
}

// newRoleSwap returns nil when the program keeps the default words.
func newRoleSwap(lang string, words RoleWords) *roleSwap {
	if len(words) == 0 {
		return nil
	}
	swap := &roleSwap{words: map[string]string{}, stems: map[string]string{}}
	for role, forms := range words {
		def := defaultRoleForms[lang][role]
		if len(forms) != len(def) {
			continue
		}
		for i, f := range def {
			if forms[i] != f {
				swap.words[f] = forms[i]
			}
		}
		if role == RoleMentee && forms[0] != def[0] {
			swap.stems[def[0]] = forms[0]
		}
	}
	if len(swap.words) == 0 {
		return nil
	}
	return swap
}
