package i18n

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
)

// glossary is one language's list of concepts, each with the term the
// product uses and the variants it must not use. The files in glossary/ are
// the reference a translator reads; this test keeps the catalogs to them.
type glossary struct {
	Language string `json:"language"`
	Terms    []struct {
		Concept   string   `json:"concept"`
		Preferred string   `json:"preferred"`
		Forbidden []string `json:"forbidden"`
		// AllowedPhrases contain a forbidden variant but are the preferred
		// term of another concept (Indonesian "tindak lanjut 30 hari").
		AllowedPhrases []string `json:"allowed_phrases"`
		// ExceptKeys must quote a variant literally (a CSV column value).
		ExceptKeys []string `json:"except_keys"`
	} `json:"terms"`
}

func loadGlossary(t *testing.T, lang string) glossary {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("glossary", lang+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var g glossary
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatalf("glossary/%s.json: %v", lang, err)
	}
	if g.Language != lang {
		t.Fatalf("glossary/%s.json says it is %q", lang, g.Language)
	}
	for _, term := range g.Terms {
		if term.Concept == "" || term.Preferred == "" || len(term.Forbidden) == 0 {
			t.Errorf("glossary/%s.json: concept %q needs a preferred term and forbidden variants", lang, term.Concept)
		}
	}
	return g
}

// variantPattern matches a variant as whole words in any case. Go's \b
// knows only ASCII, so the boundaries are spelled out for letters such as
// æ, ø, å and ä; a trailing * lets a stem catch its inflections and
// compounds ("överenskommelse*").
func variantPattern(v string) *regexp.Regexp {
	stem := strings.TrimSuffix(v, "*")
	parts := strings.Split(stem, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	body := strings.Join(parts, `[\pL\pN-]*`)
	end := `(?:$|[^\pL\pN-])`
	if strings.HasSuffix(v, "*") {
		body += `[\pL\pN-]*`
	}
	return regexp.MustCompile(`(?i)(?:^|[^\pL\pN-])` + body + end)
}

// placeholder matches {name}: placeholder names are code, not words.
var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

// glossaryProblems lists every catalog value of lang that uses a forbidden
// variant, and every value longer than three words left as the English
// one. It returns sorted lines naming key and variant.
func glossaryProblems(b *Bundle, lang string, g glossary) []string {
	// Compile once: a catalog has thousands of values.
	type check struct {
		variant, concept, preferred string
		// literal is the variant's text before any *, in lower case: a
		// value that does not hold it cannot match, and skipping the
		// regular expressions for those keeps the test cheap under -race.
		literal string
		re      *regexp.Regexp
		allowed []*regexp.Regexp
		except  []string
	}
	var checks []check
	for _, term := range g.Terms {
		var allowed []*regexp.Regexp
		for _, ok := range term.AllowedPhrases {
			allowed = append(allowed, regexp.MustCompile(`(?i)`+regexp.QuoteMeta(ok)))
		}
		for _, v := range term.Forbidden {
			literal, _, _ := strings.Cut(v, "*")
			checks = append(checks, check{v, term.Concept, term.Preferred, strings.ToLower(literal), variantPattern(v), allowed, term.ExceptKeys})
		}
	}
	var out []string
	en := b.catalogs["en"]
	for key, m := range b.catalogs[lang] {
		texts := m.forms()
		lower := make([]string, len(texts))
		for i, text := range texts {
			texts[i] = placeholder.ReplaceAllString(text, " ")
			lower[i] = strings.ToLower(texts[i])
		}
		for _, c := range checks {
			if contains(c.except, key) {
				continue
			}
			for i, text := range texts {
				if !strings.Contains(lower[i], c.literal) {
					continue
				}
				for _, ok := range c.allowed {
					text = ok.ReplaceAllString(text, " ")
				}
				if c.re.MatchString(text) {
					out = append(out, lang+": "+key+" uses forbidden variant \""+c.variant+"\" for "+c.concept+" (say \""+c.preferred+"\")")
					break
				}
			}
		}
		if ref, ok := en[key]; ok {
			enForms := ref.forms()
			for i, text := range m.forms() {
				if i < len(enForms) && text == enForms[i] && words(text) > 3 {
					out = append(out, lang+": "+key+" is the English text left untranslated")
					break
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// words counts the words of text that hold a letter, so that placeholders
// and punctuation ("Version {from}: {from_who}") do not count.
func words(text string) int {
	return len(wordRE.FindAllString(placeholder.ReplaceAllString(text, " "), -1))
}

var wordRE = regexp.MustCompile(`[\pL][\pL\pN'-]*`)

// forms returns the texts of a message, plural forms in a fixed order.
func (m message) forms() []string {
	if m.plural == nil {
		return []string{m.text}
	}
	var out []string
	for _, f := range []string{"one", "other"} {
		if s, ok := m.plural[f]; ok {
			out = append(out, s)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestGlossaryCatalogs keeps every Norwegian, Swedish and Indonesian
// catalog value to its language's glossary.
func TestGlossaryCatalogs(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"nb", "sv", "id"} {
		for _, p := range glossaryProblems(b, lang, loadGlossary(t, lang)) {
			t.Error(p)
		}
	}
}

// TestGlossaryCatchesVariants shows the check finds a forbidden variant in
// any case and inflection, leaves allowed phrases and placeholders alone, and
// catches English left in place.
func TestGlossaryCatchesVariants(t *testing.T) {
	fsys := fstest.MapFS{
		"c/en/a.json": {Data: []byte(`{"a":"x","b":"x","c":"Sign the agreement now please","d":"x","e":"OK then","f":"x"}`)},
		"c/nb/a.json": {Data: []byte(`{}`)},
		"c/sv/a.json": {Data: []byte(`{"a":"Överenskommelsen är klar","b":"Skicka till {mentees}","c":"Sign the agreement now please","d":"Läs överenskommelsetexten","e":"OK then","f":"Hållbart ledarskap"}`)},
		"c/id/a.json": {Data: []byte(`{"a":"Tindak lanjut 30 hari","b":"Tambah tindak lanjut","c":"x","d":"x","e":"x","f":"x"}`)},
	}
	b, err := LoadFS(fsys, "c")
	if err != nil {
		t.Fatal(err)
	}
	var g glossary
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(json.Unmarshal([]byte(`{"terms":[{"concept":"agreement","preferred":"avtal","forbidden":["överenskommelse*"]},{"concept":"mentee","preferred":"adept","forbidden":["mentees"]},{"concept":"held","preferred":"genomförd","forbidden":["hållna","hållet"]}]}`), &g))
	got := strings.Join(glossaryProblems(b, "sv", g), "\n")
	for _, want := range []string{
		`sv: a uses forbidden variant "överenskommelse*"`,
		`sv: d uses forbidden variant "överenskommelse*"`,
		`sv: c is the English text left untranslated`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
	for _, unwanted := range []string{"sv: b ", "sv: e ", "sv: f "} {
		if strings.Contains(got, unwanted) {
			t.Errorf("false alarm %q:\n%s", unwanted, got)
		}
	}
	must(json.Unmarshal([]byte(`{"terms":[{"concept":"action item","preferred":"tugas","forbidden":["tindak lanjut"],"allowed_phrases":["tindak lanjut 30 hari"]}]}`), &g))
	got = strings.Join(glossaryProblems(b, "id", g), "\n")
	if want := `id: b uses forbidden variant "tindak lanjut"`; !strings.Contains(got, want) || strings.Contains(got, "id: a ") {
		t.Errorf("want only b flagged:\n%s", got)
	}
}
