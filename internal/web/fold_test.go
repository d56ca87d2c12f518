package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"text/template/parse"

	"mentorskap/internal/account"
	"mentorskap/internal/demo"
	"mentorskap/internal/i18n"
	"mentorskap/internal/tmplcompile"
)

// TestFoldedPagesSame renders the pages each demo person reaches from their
// start page with the catalog folded into the templates (fold.go) and
// without, and wants the same bytes. A folded page is executed by its
// compiled closures (tmplcompile), so this also compares their output with
// text/template's, byte for byte; every folded page must have been
// compiled, not left to text/template. The administrator and the coordinator
// go through every language; the mentors and mentees, who see the same
// kinds of page among them, take the languages in turn, which covers each
// language on every member page at a quarter of the renders.
func TestFoldedPagesSame(t *testing.T) {
	t.Parallel()
	db, res := demoSQLite(t)
	app := newTestAppDB(t, db)
	srv := app.srv
	ctx := context.Background()
	links := regexp.MustCompile(`href="(/[^"?#]*)"`)
	// renderedBy notes whether the last render was folded and written
	// by the compiled closures.
	var folded, compiled bool
	var rendered string
	srv.renderedBy = func(name string, f, c bool) { rendered, folded, compiled = name, f, c }
	defer func() { srv.renderedBy = nil }()
	get := func(cookie *http.Cookie, path string, fold bool) (int, string) {
		srv.noFold = !fold
		folded, compiled = false, false
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.AddCookie(cookie)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			return 0, "" // downloads, calendars: no template
		}
		return rec.Code, rec.Body.String()
	}
	pages, compiledPages := 0, 0
	for i, login := range res.Logins {
		cookie := loginCookie(t, srv, login.Email, demo.Password)
		langs := i18n.Languages
		if login.Role == "mentor" || login.Role == "mentee" {
			langs = langs[i%len(langs) : i%len(langs)+1]
		}
		for _, lang := range langs {
			if _, err := srv.DB.Exec(ctx, `UPDATE users SET language = ? WHERE email = ?`, lang, login.Email); err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{"/": true}
			queue := []string{"/"}
			for len(queue) > 0 && len(seen) < 40 {
				path := queue[0]
				queue = queue[1:]
				// A first view may change what the next shows (messages
				// marked read): when the folded page differs from the
				// general one before it, it is compared with the general
				// page after it, rendered in the same state as itself.
				// Most pages are the same at once and need only two
				// renders, not a third that checks nothing more.
				_, general := get(cookie, path, false)
				code, page := get(cookie, path, true)
				folded, compiled := folded, compiled
				if page != general {
					_, general = get(cookie, path, false)
				}
				if page != general {
					t.Fatalf("%s %s %s: folded page differs:\n%s", login.Email, lang, path, firstDiff(page, general))
				}
				if folded && !compiled {
					t.Fatalf("%s %s %s: folded page %s not rendered by its compiled templates", login.Email, lang, path, rendered)
				}
				if code != http.StatusOK || !strings.Contains(page, "<html") {
					continue
				}
				pages++
				if compiled {
					compiledPages++
				}
				for _, m := range links.FindAllStringSubmatch(page, -1) {
					p := m[1]
					if !seen[p] && !strings.HasPrefix(p, "/static/") && !strings.Contains(p, "logout") && !strings.Contains(p, "export") {
						seen[p] = true
						queue = append(queue, p)
					}
				}
			}
		}
	}
	if pages < 100 || compiledPages < 100 {
		t.Errorf("only %d pages compared, %d of them compiled", pages, compiledPages)
	}
	t.Logf("%d pages compared, %d of them compiled", pages, compiledPages)
}

func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-200)
	return "folded:  " + a[from:min(len(a), i+200)] + "\ngeneral: " + b[from:min(len(b), i+200)]
}

// TestAllPagesCompile checks that every page compiles (tmplcompile): a
// page the compiler refuses still works, executed by html/template, but
// slowly, and nothing else would tell. One language is enough: the
// languages' folded sets differ only in their texts.
func TestAllPagesCompile(t *testing.T) {
	t.Parallel()
	p, err := sharedPages()
	if err != nil {
		t.Fatal(err)
	}
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	l := b.Locale(i18n.Languages[0])
	for name := range p.files {
		f := p.folded(l, name)
		if f == nil {
			t.Errorf("%s: not folded", name)
		} else if f.run == nil {
			t.Errorf("%s: not compiled, executed by html/template", name)
		}
	}
}

// TestCompiledFallsBack checks that a page whose compiled closures meet a
// value they leave to text/template (tmplcompile.ErrUnsupported) is
// rendered by html/template instead, whole and the same.
func TestCompiledFallsBack(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("admin@example.org", "Ada Admin", account.RoleAdmin, "en")
	srv := app.srv
	fresh, err := parsePages() // not the shared sets: one is spoilt below
	if err != nil {
		t.Fatal(err)
	}
	srv.pages = fresh
	get := func() string {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/login", nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("GET /login: %d", rec.Code)
		}
		return rec.Body.String()
	}
	var compiled, folded bool
	srv.renderedBy = func(_ string, f, c bool) { folded, compiled = f, c }
	want := get()
	if !folded || !compiled {
		t.Fatalf("login page: folded %v, compiled %v", folded, compiled)
	}
	// A set whose layout ranges over the page (a struct): the compiled
	// closures leave that to text/template.
	tree, err := parse.Parse("layout", `<p>{{range .}}{{end}}</p>`, "{{", "}}")
	if err != nil {
		t.Fatal(err)
	}
	spoilt, err := tmplcompile.Compile(tree, nil, "layout")
	if err != nil {
		t.Fatal(err)
	}
	fresh.folded(srv.Bundle.Locale("en"), "login").run = spoilt
	if got := get(); got != want || compiled || !folded {
		t.Errorf("compiled %v, folded %v, page the same: %v", compiled, folded, got == want)
	}
}
