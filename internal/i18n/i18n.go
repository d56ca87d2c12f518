// Package i18n holds the message catalogs (en, nb, sv, id), plural rules and
// locale formatting of dates, times and numbers.
//
// Catalogs live in catalog/<lang>/<area>.json, one file per area of the
// product so that each feature owns its texts. A value is either a string or,
// for counted messages, an object of CLDR plural forms ("one", "other").
// Placeholders are named: "Welcome, {name}". Arguments are passed as
// alternating name/value pairs: T("greet", "name", "Kari").
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"time"
)

//go:embed catalog
var catalogFS embed.FS

// Languages lists the supported languages in the order the switcher shows
// them; the first is the fallback.
var Languages = []string{"en", "nb", "sv", "id"}

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// message is one catalog entry: a plain text or a set of plural forms.
type message struct {
	text   string
	plural map[string]string
}

func (m *message) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '{' {
		return json.Unmarshal(b, &m.plural)
	}
	return json.Unmarshal(b, &m.text)
}

// Bundle holds every language's catalog. Build it once in main and share it.
type Bundle struct {
	catalogs map[string]map[string]message
	locales  map[string]*Locale
}

// Load reads the embedded catalogs.
//
// The catalogs are embedded and a Bundle never changes once loaded, so they
// are read once per process and shared: tests build hundreds of servers.
func Load() (*Bundle, error) { return loadEmbedded() }

var loadEmbedded = sync.OnceValues(func() (*Bundle, error) { return LoadFS(catalogFS, "catalog") })

// LoadFS reads catalogs from dir in fsys; tests use it with broken catalogs.
func LoadFS(fsys fs.FS, dir string) (*Bundle, error) {
	b := &Bundle{catalogs: map[string]map[string]message{}, locales: map[string]*Locale{}}
	for _, lang := range Languages {
		cat := map[string]message{}
		files, err := fs.Glob(fsys, path.Join(dir, lang, "*.json"))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			data, err := fs.ReadFile(fsys, f)
			if err != nil {
				return nil, err
			}
			var part map[string]message
			if err := json.Unmarshal(data, &part); err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			for k, v := range part {
				if _, dup := cat[k]; dup {
					return nil, fmt.Errorf("%s: key %q defined twice", f, k)
				}
				cat[k] = v
			}
		}
		b.catalogs[lang] = cat
		b.locales[lang] = &Locale{lang: lang, bundle: b, fmt: formats[lang]}
	}
	return b, nil
}

// Locale returns the locale for lang, falling back to English.
func (b *Bundle) Locale(lang string) *Locale {
	if l, ok := b.locales[lang]; ok {
		return l
	}
	return b.locales[Languages[0]]
}

// Problems lists what is wrong with the catalogs: keys missing in a language
// that the reference language (English) has, keys only some languages have,
// plural entries lacking a form the language's rules need, and placeholders
// that differ from English. An empty result means the catalogs are complete.
func (b *Bundle) Problems() []string {
	var out []string
	ref := b.catalogs[Languages[0]]
	for _, lang := range Languages {
		cat := b.catalogs[lang]
		for key, refMsg := range ref {
			m, ok := cat[key]
			if !ok {
				out = append(out, fmt.Sprintf("%s: missing key %q", lang, key))
				continue
			}
			if (refMsg.plural == nil) != (m.plural == nil) {
				out = append(out, fmt.Sprintf("%s: %q must be plural exactly when English is", lang, key))
				continue
			}
			for _, form := range pluralForms(lang) {
				if m.plural != nil && m.plural[form] == "" {
					out = append(out, fmt.Sprintf("%s: %q lacks plural form %q", lang, key, form))
				}
			}
			if want, got := placeholders(refMsg), placeholders(m); want != got {
				out = append(out, fmt.Sprintf("%s: %q has placeholders %s, English has %s", lang, key, got, want))
			}
		}
		for key := range cat {
			if _, ok := ref[key]; !ok {
				out = append(out, fmt.Sprintf("%s: key %q is not in English", lang, key))
			}
		}
	}
	sort.Strings(out)
	return out
}

// Has reports whether key exists in the reference catalog.
func (b *Bundle) Has(key string) bool {
	_, ok := b.catalogs[Languages[0]][key]
	return ok
}

func placeholders(m message) string {
	texts := []string{m.text}
	for _, v := range m.plural {
		texts = append(texts, v)
	}
	set := map[string]bool{}
	for _, s := range texts {
		for {
			i := strings.IndexByte(s, '{')
			if i < 0 {
				break
			}
			j := strings.IndexByte(s[i:], '}')
			if j < 0 {
				break
			}
			set[s[i+1:i+j]] = true
			s = s[i+j+1:]
		}
	}
	names := make([]string, 0, len(set))
	for k := range set {
		names = append(names, k)
	}
	sort.Strings(names)
	return "[" + strings.Join(names, " ") + "]"
}

// pluralForms returns the CLDR cardinal plural categories of lang.
// Indonesian does not inflect for number; the Scandinavian languages and
// English distinguish one from other.
func pluralForms(lang string) []string {
	if lang == "id" {
		return []string{"other"}
	}
	return []string{"one", "other"}
}

// pluralCategory picks the CLDR category of an integer count.
func pluralCategory(lang string, n int) string {
	if lang != "id" && (n == 1 || n == -1) {
		return "one"
	}
	return "other"
}

// Locale translates and formats for one language. It is safe for concurrent
// use and cheap to pass around.
type Locale struct {
	lang   string
	bundle *Bundle
	fmt    format
}

// Lang returns the language code, for <html lang>.
func (l *Locale) Lang() string { return l.lang }

// T translates key, filling named placeholders from alternating name/value
// args. A missing key renders as the key itself so that it is noticed, never
// as an empty string.
func (l *Locale) T(key string, args ...any) string {
	m, ok := l.lookup(key)
	if !ok {
		return key
	}
	text := m.text
	if m.plural != nil {
		text = m.plural["other"]
	}
	return l.fill(text, args)
}

// N translates a counted message, choosing the plural form for n; {count} is
// filled with n formatted for the locale.
func (l *Locale) N(key string, n int, args ...any) string {
	m, ok := l.lookup(key)
	if !ok {
		return key
	}
	text := m.text
	if m.plural != nil {
		text = m.plural[pluralCategory(l.lang, n)]
		if text == "" {
			text = m.plural["other"]
		}
	}
	return l.fill(text, append([]any{"count", l.Int(n)}, args...))
}

// Msg translates a key with arguments given as a slice, as coded errors carry
// them.
func (l *Locale) Msg(key string, args []any) string { return l.T(key, args...) }

func (l *Locale) lookup(key string) (message, bool) {
	if m, ok := l.bundle.catalogs[l.lang][key]; ok {
		return m, true
	}
	m, ok := l.bundle.catalogs[Languages[0]][key]
	return m, ok
}

// fill replaces each {name} in text with the value given for name, left
// to right, leaving braces with no such name as they are; values are not
// searched again. It scans the text once instead of building a
// strings.Replacer per call: pages translate hundreds of strings each, and
// the replacers were a good share of a page's garbage.
func (l *Locale) fill(text string, args []any) string {
	if len(args) < 2 || !strings.Contains(text, "{") {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) + 16)
	for {
		open := strings.IndexByte(text, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(text[open+1:], '}')
		if end < 0 {
			break
		}
		name := text[open+1 : open+1+end]
		v, ok := l.arg(name, args)
		if !ok {
			// Not a placeholder of ours: keep the brace, look further on.
			b.WriteString(text[:open+1])
			text = text[open+1:]
			continue
		}
		b.WriteString(text[:open])
		b.WriteString(v)
		text = text[open+1+end+1:]
	}
	b.WriteString(text)
	return b.String()
}

// arg returns the formatted value given for name in args, name/value
// pairs; the first pair with that name counts.
func (l *Locale) arg(name string, args []any) (string, bool) {
	for i := 0; i+1 < len(args); i += 2 {
		k, ok := args[i].(string)
		if !ok {
			k = fmt.Sprint(args[i])
		}
		if k == name {
			return l.value(args[i+1]), true
		}
	}
	return "", false
}

func (l *Locale) value(v any) string {
	switch x := v.(type) {
	case Localizer:
		return x.Localize(l)
	case int:
		return l.Int(x)
	case int64:
		return l.Int(int(x))
	case time.Time:
		return l.Date(x)
	default:
		return fmt.Sprint(v)
	}
}
