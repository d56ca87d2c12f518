package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"text/template/parse"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/brand"
	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/tmplcompile"
)

//go:embed templates
var templateFS embed.FS

// pages holds one parsed template set per page: the shared layout and
// partials plus the page's own file, parsed once at start.
type pages struct {
	byName map[string]*template.Template

	base  *template.Template // the layout and partials, never executed
	files map[string]string  // page name → its file
	// byLocale holds the pages with a language's texts folded in
	// (fold.go), by foldKey, built on first use.
	byLocale sync.Map
}

// Template functions are pure: everything that depends on the request (the
// locale, the user) travels in the page data, never in a rebound function.
var funcs = template.FuncMap{
	"field":    newField,
	"langName": langName,
	"join":     strings.Join,
	"asset":    assetURL,
	"contains": func(list []string, s string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	},
	"add": func(a, b int) int { return a + b },
	// secretEnv names the variable an OpenID provider's secret is read from.
	"secretEnv": account.SecretEnv,
	"deref": func(t *time.Time) time.Time {
		if t == nil {
			return time.Time{}
		}
		return *t
	},
	// avatar names a person's picture for the "avatar" partial; size is
	// "" (small, beside a name), "medium" (a profile card) or "large".
	"avatar": func(id int64, name, size string) avatarRef { return avatarRef{ID: id, Name: name, Size: size} },
	"lines": func(s string) []string {
		var out []string
		for _, l := range strings.Split(s, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
		return out
	},
}

var sharedPages = sync.OnceValues(parsePages)

func parsePages() (*pages, error) {
	base, err := template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}, base: base, files: map[string]string{}}
	for _, f := range files {
		p.files[strings.TrimSuffix(path.Base(f), ".html")] = f
	}
	for name := range p.files {
		t, err := p.parse(name)
		if err != nil {
			return nil, err
		}
		p.byName[name] = t
	}
	return p, nil
}

// parse returns a new set of the layout, the partials and page name,
// holding only the templates the page's layout reaches: a set with every
// partial of every feature was a quarter of a megabyte, most of it never
// executed, and there is a set per page (and per language, fold.go).
func (p *pages) parse(name string) (*template.Template, error) {
	f, ok := p.files[name]
	if !ok {
		return nil, fmt.Errorf("no page template %q", name)
	}
	all, err := p.base.Clone()
	if err != nil {
		return nil, err
	}
	if _, err := all.ParseFS(templateFS, f); err != nil {
		return nil, fmt.Errorf("%s: %w", f, err)
	}
	t := template.New("layout").Funcs(funcs)
	seen := map[string]bool{}
	var add func(name string) error
	add = func(name string) error {
		if seen[name] {
			return nil
		}
		seen[name] = true
		x := all.Lookup(name)
		if x == nil || x.Tree == nil {
			return nil // executing the page names it, as it would have
		}
		if _, err := t.AddParseTree(name, x.Tree.Copy()); err != nil {
			return err
		}
		for _, called := range calledTemplates(x.Tree.Root) {
			if err := add(called); err != nil {
				return err
			}
		}
		return nil
	}
	if err := add("layout"); err != nil {
		return nil, fmt.Errorf("%s: %w", f, err)
	}
	return t, nil
}

// calledTemplates lists the names of the templates a tree calls.
func calledTemplates(n parse.Node) []string {
	var out []string
	switch x := n.(type) {
	case *parse.ListNode:
		if x == nil {
			return nil
		}
		for _, c := range x.Nodes {
			out = append(out, calledTemplates(c)...)
		}
	case *parse.TemplateNode:
		out = append(out, x.Name)
	case *parse.IfNode:
		out = append(append(out, calledTemplates(x.List)...), calledTemplates(x.ElseList)...)
	case *parse.RangeNode:
		out = append(append(out, calledTemplates(x.List)...), calledTemplates(x.ElseList)...)
	case *parse.WithNode:
		out = append(append(out, calledTemplates(x.List)...), calledTemplates(x.ElseList)...)
	}
	return out
}

// Page is the data every page gets. Data holds the page's own values.
type Page struct {
	L         *i18n.Locale
	User      *account.User
	Flash     string
	Path      string
	Languages []string
	Form      url.Values        // submitted values, kept when a form is shown again
	Errors    map[string]string // translated message per field
	Error     string            // message for the whole form
	Data      any
	Brand     *brand.Brand // the installation's name, logo and accent, for the header

	// contacts loads a program's coordinators for one of its members (see
	// Contacts); nil outside a request.
	contacts func(programID int64) []program.Coordinator
}

// ContactCard is what the "coordinator_contact" partial shows.
type ContactCard struct {
	L       *i18n.Locale
	Program int64
	List    []program.Coordinator
}

// Contacts is the card naming a program's coordinators and how to reach
// them, for any page that tells a participant to ask the coordinator (the
// handbook's contact person, seed 004). Only the program's members and
// coordinators get the list; anyone else gets an empty card, which the
// partial does not show.
func (p *Page) Contacts(programID int64) ContactCard {
	c := ContactCard{L: p.L, Program: programID}
	if p.contacts != nil {
		c.List = p.contacts(programID)
	}
	return c
}

// knownContacts has p name list as the coordinators of programID, read
// with the page's own data (program.ReadContacts), instead of reading them
// again as the page is written.
func (p *Page) knownContacts(programID int64, list []program.Coordinator) {
	read := p.contacts
	p.contacts = func(id int64) []program.Coordinator {
		if id == programID {
			return list
		}
		return read(id)
	}
}

// Err returns the translated problem with a form field, if any.
func (p *Page) Err(field string) string { return p.Errors[field] }

// Value returns a submitted form value.
func (p *Page) Value(field string) string { return p.Form.Get(field) }

// TZ is the viewer's time zone.
func (p *Page) TZ() string {
	if p.User != nil {
		return p.User.Timezone
	}
	return "UTC"
}

// Others names the people on the other side of a pair from the viewer, a
// deleted account as a former participant.
// It takes the pair by value so that templates may pass a pair or a
// pointer to one.
func (p *Page) Others(pair program.Pair) string {
	if p.User == nil {
		return ""
	}
	return withFormerNames(p.L, &pair).OtherNames(p.User.ID)
}

// When formats an instant in the viewer's language and time zone.
func (p *Page) When(t time.Time) string { return p.L.DateTime(t, p.TZ()) }

// Day formats an instant's date in the viewer's time zone.
func (p *Page) Day(t time.Time) string { return p.L.Date(i18n.In(t, p.TZ())) }

// Weekday formats an instant's date with the day's name, in the viewer's
// time zone: for a date someone plans around, such as when a form opens.
func (p *Page) Weekday(t time.Time) string { return p.L.WeekdayDate(i18n.In(t, p.TZ())) }

// newPage builds the shared part of every page.
func (s *Server) newPage(w http.ResponseWriter, r *http.Request, data any) *Page {
	p := &Page{
		L:         s.withProgramRoles(r, s.locale(r)),
		User:      httpx.User(r),
		Path:      r.URL.RequestURI(),
		Languages: i18n.Languages,
		Data:      data,
		Brand:     s.pageBrand(r),
	}
	p.contacts = func(programID int64) []program.Coordinator {
		list, err := program.ContactsFor(r.Context(), s.DB, p.User, programID)
		if err != nil {
			s.Log.Error("coordinator contacts", "program", programID, "err", err, "request_id", httpx.RequestID(r))
			return nil
		}
		return list
	}
	if c, err := r.Cookie(flashCookie); err == nil {
		if s.Bundle.Has(c.Value) { // only our own messages, never text from the cookie
			p.Flash = p.L.T(c.Value)
		}
		s.clearCookie(w, r, flashCookie)
	}
	return p
}

// pageBuffers are reused to render pages into: a page is rendered whole
// before it is sent, and growing a new buffer to a page's size for every
// request was a good part of its garbage. Buffers grown by an unusually
// large page are let go.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledPage = 256 << 10

// render writes a page. It renders into a buffer first so that a template
// error becomes a clean error page instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, code int, name string, data any) {
	s.renderPage(w, r, code, name, s.newPage(w, r, data))
}

func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, code int, name string, p *Page) {
	t, ok := s.pages.byName[name]
	if !ok {
		s.Log.Error("no such template", "name", name, "request_id", httpx.RequestID(r))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var run *tmplcompile.Set
	folded := false
	if !s.noFold && p.L == s.Bundle.Locale(p.L.Lang()) {
		if f := s.pages.folded(p.L, name); f != nil {
			t, run, folded = f.t, f.run, true
		}
	}
	// Whatever the page reads is read: the reader connection goes back
	// before the templates run.
	store.End(r.Context())
	buf := pageBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= maxPooledPage {
			pageBuffers.Put(buf)
		}
	}()
	compiled := run != nil
	var err error
	if compiled {
		err = run.Execute(buf, "layout", p)
	}
	if !compiled || errors.Is(err, tmplcompile.ErrUnsupported) {
		// Not compiled, or the compiled page met a value it leaves to
		// text/template: the page is rendered by html/template, afresh.
		// The second is said in the log: it costs the speed the closures
		// are for, and the methods the page calls run twice.
		if compiled {
			s.Log.Warn("compiled page left to html/template", "template", name, "err", err, "request_id", httpx.RequestID(r))
		}
		compiled = false
		buf.Reset()
		err = t.ExecuteTemplate(buf, "layout", p)
	}
	if s.renderedBy != nil {
		s.renderedBy(name, folded, compiled)
	}
	if err != nil {
		s.Log.Error("render", "template", name, "err", err, "request_id", httpx.RequestID(r))
		if name != "error" {
			s.render(w, r, http.StatusInternalServerError, "error",
				errorPage{Status: 500, Message: p.L.T("error.internal", "id", httpx.RequestID(r))})
			return
		}
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", p.L.Lang())
	w.Header().Set("Cache-Control", "no-store")
	writeCompressed(w, r, code, buf.Bytes())
}

// renderForm shows a form again after invalid input: status 422, the
// submitted values kept, each problem translated next to its field. Errors
// other than validation go to fail.
func (s *Server) renderForm(w http.ResponseWriter, r *http.Request, name string, data any, err error) {
	e, ok := errs.As(err)
	if !ok || (e.Kind != errs.Invalid && e.Kind != errs.Conflict && len(e.Fields) == 0) {
		s.fail(w, r, err)
		return
	}
	httpx.SetRetryAfter(w, err)
	p := s.newPage(w, r, data)
	p.Form = r.PostForm
	p.Errors = map[string]string{}
	for f, m := range e.Fields {
		p.Errors[f] = p.L.Msg(m.Key, m.Args)
	}
	if len(e.Fields) > 0 && e.Kind != errs.TooMany {
		p.Error = p.L.T("error.invalid")
	} else {
		p.Error = p.L.Msg(e.Key, e.Args)
	}
	s.renderPage(w, r, httpx.Status(e.Kind), name, p)
}

// redirect ends a successful POST (Post/Redirect/Get), optionally leaving a
// flash message key for the next page.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, flashKey string) {
	if flashKey != "" {
		s.setCookie(w, r, flashCookie, flashKey, time.Minute)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// Field is what the input partial needs.
type Field struct {
	Name, Type, Label, Value, Error, Hint string
	Required                              bool
}

// newField builds an input from the page: label translated, value and error
// taken from the submitted form. Extra args: "required", or a default value
// as "value=…", or a hint key as "hint=…".
func newField(p *Page, name, typ, labelKey string, extra ...string) Field {
	f := Field{Name: name, Type: typ, Label: p.L.T(labelKey), Value: p.Value(name), Error: p.Err(name)}
	for _, x := range extra {
		switch {
		case x == "required":
			f.Required = true
		case strings.HasPrefix(x, "value="):
			if p.Form == nil {
				f.Value = strings.TrimPrefix(x, "value=")
			}
		case strings.HasPrefix(x, "hint="):
			f.Hint = p.L.T(strings.TrimPrefix(x, "hint="))
		}
	}
	return f
}

// langName is each language's name in itself, as a switcher shows it.
func langName(code string) string {
	switch code {
	case "en":
		return "English"
	case "nb":
		return "Norsk bokmål"
	case "sv":
		return "Svenska"
	case "id":
		return "Bahasa Indonesia"
	}
	return code
}
