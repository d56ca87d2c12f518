package tmplcompile

import (
	"bytes"
	"fmt"
	"html/template"
	"reflect"
	"strings"
	"text/template/parse"
)

// html/template's escapers, which it inserts into an escaped set's
// actions by name and does not export. Only those the application's
// templates need are here (escaperOf refuses the others); each is
// html/template's own code (html.go, url.go, content.go), written for a
// string so that the usual case neither allocates nor reflects, and
// TestEscapersMatch compares them with html/template on many values.

// contentType is what stringify learnt of a value: html/template's
// escapers treat its HTML and URL types specially; its other types are
// plain text for the escapers here.
type contentType int

const (
	contentPlain contentType = iota
	contentHTML
	contentURL
)

// filterFailsafe is html/template's replacement for an unsafe value.
const filterFailsafe = "ZgotmplZ"

type escaper struct {
	apply func(s string, t contentType) (string, error)
	// onto, when not nil, writes what apply returns straight into b.
	onto func(b *bytes.Buffer, s string, t contentType) error
}

func (e *escaper) write(b *bytes.Buffer, s string, t contentType) error {
	if e.onto != nil {
		return e.onto(b, s, t)
	}
	out, err := e.apply(s, t)
	b.WriteString(out)
	return err
}

var escapers = map[string]*escaper{
	"_html_template_htmlescaper": {
		apply: func(s string, t contentType) (string, error) {
			if t == contentHTML {
				return s, nil
			}
			return htmlReplace(s, &htmlReplacementTable), nil
		},
		onto: func(b *bytes.Buffer, s string, t contentType) error {
			if t == contentHTML {
				b.WriteString(s)
			} else {
				htmlReplaceOnto(b, s, &htmlReplacementTable)
			}
			return nil
		},
	},
	"_html_template_attrescaper": {
		apply: func(s string, t contentType) (string, error) {
			if t == contentHTML {
				// html/template strips the tags first, with its HTML
				// tokenizer: left to it.
				return "", ErrUnsupported
			}
			return htmlReplace(s, &htmlReplacementTable), nil
		},
		onto: func(b *bytes.Buffer, s string, t contentType) error {
			if t == contentHTML {
				return ErrUnsupported
			}
			htmlReplaceOnto(b, s, &htmlReplacementTable)
			return nil
		},
	},
	"_html_template_rcdataescaper": {
		apply: func(s string, t contentType) (string, error) {
			if t == contentHTML {
				return htmlReplace(s, &htmlNormReplacementTable), nil
			}
			return htmlReplace(s, &htmlReplacementTable), nil
		},
		onto: func(b *bytes.Buffer, s string, t contentType) error {
			if t == contentHTML {
				htmlReplaceOnto(b, s, &htmlNormReplacementTable)
			} else {
				htmlReplaceOnto(b, s, &htmlReplacementTable)
			}
			return nil
		},
	},
	"_html_template_urlfilter": {
		apply: func(s string, t contentType) (string, error) {
			if t == contentURL || isSafeURL(s) {
				return s, nil
			}
			return "#" + filterFailsafe, nil
		},
	},
	"_html_template_urlnormalizer": {
		apply: func(s string, t contentType) (string, error) { return processURL(s, true), nil },
	},
	"_html_template_urlescaper": {
		apply: func(s string, t contentType) (string, error) { return processURL(s, t == contentURL), nil },
	},
}

// escaperOf returns the escaper a command calls, if it is one of those
// above given nothing but the pipeline's value.
func escaperOf(cmd *parse.CommandNode) *escaper {
	if len(cmd.Args) != 1 {
		return nil
	}
	id, ok := cmd.Args[0].(*parse.IdentifierNode)
	if !ok {
		return nil
	}
	return escapers[id.Ident]
}

// stringify is html/template's stringify for the one value text/template
// passes an escaper: v's value, or nil for none.
func stringify(v reflect.Value) (string, contentType, error) {
	if !v.IsValid() {
		return "", contentPlain, nil // fmt.Sprint of no arguments
	}
	if v.Type() == stringType {
		return v.String(), contentPlain, nil
	}
	a := v.Interface()
	if a == nil {
		return "", contentPlain, nil
	}
	switch s := indirectAny(a).(type) {
	case string:
		return s, contentPlain, nil
	case template.HTML:
		return string(s), contentHTML, nil
	case template.URL:
		return string(s), contentURL, nil
	case template.CSS, template.HTMLAttr, template.JS, template.JSStr, template.Srcset:
		return reflect.ValueOf(s).String(), contentPlain, nil
	}
	return fmt.Sprint(indirectToStringerOrError(a)), contentPlain, nil
}

var (
	stringerType = reflect.TypeFor[fmt.Stringer]()
)

// indirectAny is html/template's indirect: a's value with its pointers
// followed, stopping at a nil one.
func indirectAny(a any) any {
	if a == nil {
		return nil
	}
	if t := reflect.TypeOf(a); t.Kind() != reflect.Pointer {
		return a
	}
	v := reflect.ValueOf(a)
	for v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	return v.Interface()
}

// indirectToStringerOrError follows pointers until a Stringer or error.
func indirectToStringerOrError(a any) any {
	if a == nil {
		return nil
	}
	v := reflect.ValueOf(a)
	for !v.Type().Implements(stringerType) && !v.Type().Implements(errorType) && v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	return v.Interface()
}

// The replacement tables cover only ASCII, so a byte-wise scan finds the
// same bytes as html/template's rune-wise one (a multi-byte rune has no
// byte below 0x80), and with its badRunes true nothing else changes.
var htmlReplacementTable = [256]string{
	0:    "\uFFFD",
	'"':  "&#34;",
	'&':  "&amp;",
	'\'': "&#39;",
	'+':  "&#43;",
	'<':  "&lt;",
	'>':  "&gt;",
}

var htmlNormReplacementTable = [256]string{
	0:    "\uFFFD",
	'"':  "&#34;",
	'\'': "&#39;",
	'+':  "&#43;",
	'<':  "&lt;",
	'>':  "&gt;",
}

func htmlReplaceOnto(b *bytes.Buffer, s string, table *[256]string) {
	written := 0
	for i := 0; i < len(s); i++ {
		if repl := table[s[i]]; repl != "" {
			b.WriteString(s[written:i])
			b.WriteString(repl)
			written = i + 1
		}
	}
	b.WriteString(s[written:])
}

func htmlReplace(s string, table *[256]string) string {
	for i := 0; i < len(s); i++ {
		if table[s[i]] != "" {
			var b bytes.Buffer
			b.Grow(len(s) + 16)
			htmlReplaceOnto(&b, s, table)
			return b.String()
		}
	}
	return s
}

func isSafeURL(s string) bool {
	if protocol, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(protocol, "/") {
		if !strings.EqualFold(protocol, "http") && !strings.EqualFold(protocol, "https") && !strings.EqualFold(protocol, "mailto") {
			return false
		}
	}
	return true
}

// processURL is html/template's urlProcessor for a string: it escapes
// what does not belong in a URL (norm) or in a URL's part.
func processURL(s string, norm bool) string {
	var b strings.Builder
	written := 0
	for i, n := 0, len(s); i < n; i++ {
		c := s[i]
		switch c {
		case '!', '#', '$', '&', '*', '+', ',', '/', ':', ';', '=', '?', '@', '[', ']':
			if norm {
				continue
			}
		case '-', '.', '_', '~':
			continue
		case '%':
			if norm && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
				continue
			}
		default:
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				continue
			}
		}
		if written == 0 {
			b.Grow(len(s) + 16)
		}
		b.WriteString(s[written:i])
		b.WriteByte('%')
		b.WriteByte(lowerHex[c>>4])
		b.WriteByte(lowerHex[c&15])
		written = i + 1
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

const lowerHex = "0123456789abcdef"

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
