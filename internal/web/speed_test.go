package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/demo"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// The pages a member opens every day are measured here: how many
// statements each sends to the database (a test keeps that from growing)
// and what each costs through the whole handler chain (a benchmark).
// bench/README.md has the figures.

// memberPage is one page a member opens often, with the most statements
// the page may send (recorded when it was last made faster: raise it only
// with a reason, as every statement is paid on every view).
type memberPage struct {
	name, path string
	want       string // text the page must show, so a 200 error page is caught
	maxQueries int
	// maxTrips is the most round trips the page may take on PostgreSQL,
	// where the reads a page sends together (store.Reads) are one.
	maxTrips int
}

// demoMember seeds the demo program and logs in the mentee of its active
// pair with the most meetings, returning the session cookie and the pages
// that person opens often.
func demoMember(tb testing.TB, srv *Server) (*http.Cookie, []memberPage) {
	tb.Helper()
	if _, err := demo.Seed(context.Background(), srv.DB, srv.Clock); err != nil {
		tb.Fatal(err)
	}
	return demoMemberPages(tb, srv)
}

// demoMemberPages is demoMember on a server whose database holds the demo.
func demoMemberPages(tb testing.TB, srv *Server) (*http.Cookie, []memberPage) {
	tb.Helper()
	ctx := context.Background()
	var pairID, meetingID int64
	var email string
	if err := srv.DB.QueryRow(ctx, `SELECT p.id, u.email FROM pairs p
		JOIN pair_members pm ON pm.pair_id = p.id AND pm.side = 'mentee'
		JOIN users u ON u.id = pm.user_id
		WHERE p.status = 'active'
		ORDER BY (SELECT COUNT(*) FROM meetings m WHERE m.pair_id = p.id) DESC, p.id LIMIT 1`).Scan(&pairID, &email); err != nil {
		tb.Fatal(err)
	}
	// The latest meeting with notes: the one a member reopens.
	if err := srv.DB.QueryRow(ctx, `SELECT m.id FROM meetings m JOIN meeting_notes n ON n.meeting_id = m.id
		WHERE m.pair_id = ? ORDER BY m.starts_at DESC LIMIT 1`, pairID).Scan(&meetingID); err != nil {
		tb.Fatal(err)
	}
	pair := fmt.Sprintf("/pairs/%d", pairID)
	meeting := fmt.Sprintf("%s/meetings/%d", pair, meetingID)
	// Every page of a pair reads the session and the pair (with its
	// program's version and its agreement's revision), one statement
	// each, sent together on PostgreSQL (program.ReadPair); the program
	// with its role words, and the agreement's versions with their
	// signatures, take one more each only when they have changed since the
	// last page view (program's read memo, agreement.TermsOf).
	return loginCookie(tb, srv, email, demo.Password), []memberPage{
		// The start page: the session, the viewer's programs, pairs,
		// announcements, events ahead and the people of all their pairs (one
		// statement each), then for all running pairs together their
		// next meetings with agenda state and the times a proposal
		// offers, open action items, check points due
		// and unread messages (one each), their agreements (one, when one
		// has changed) and each program of theirs (one per program when it
		// has changed; see pairhome.LoadCards, whose test holds the count
		// for a person with several pairs).
		// On PostgreSQL: the session, the programs with the pairs, then
		// the rest together once every pair is checked (three round
		// trips).
		{"home", "/", pair, 10, 3},
		// The pair page adds the late changes, goals, the review offer's
		// check points and the coordinators to contact, and the answers to
		// the program's own questions each member shares with their partner.
		// On PostgreSQL: the session with the pair, then the rest
		// together (pairhome.Load), the coordinators to contact included.
		{"pair home", pair, "/meetings", 12, 2},
		{"meetings", pair + "/meetings", "/meetings/", 4, 2},
		// A meeting's page: the session with the pair, then the meeting
		// (with whether a later one is booked and its agenda state), its
		// options and its history together.
		{"meeting", meeting, "/notes", 5, 2},
		// The notes page: the session with the pair and the meeting
		// (meeting.ReadMeeting), then the rest together.
		{"notes", meeting + "/notes", "<form", 9, 2},
		{"goals", pair + "/goals", "/goals/", 4, 3},
		{"messages", pair + "/messages", "<form", 4, 3},
	}
}

// loginCookie posts the login form and returns the session cookie.
func loginCookie(tb testing.TB, srv *Server, email, password string) *http.Cookie {
	tb.Helper()
	form := url.Values{"email": {email}, "password": {password}}.Encode()
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionCookie && rec.Code == http.StatusSeeOther {
			return c
		}
	}
	tb.Fatalf("login %s: status %d: %s", email, rec.Code, rec.Body)
	return nil
}

// getCounted requests path as the cookie's owner and counts the statements
// the whole handler chain sent on its behalf.
// It accepts gzip, as browsers do, so the cost of compressing is counted.
func getCounted(srv *Server, cookie *http.Cookie, path string) (*httptest.ResponseRecorder, *store.Counter) {
	ctx, n := store.WithCounter(context.Background())
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, path, nil)
	req.AddCookie(cookie)
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return rec, n
}

// TestMemberPageQueries counts the statements behind each page a member
// opens often and fails when a page needs more than it did when it was
// last made faster, or when a page read takes the writer (on SQLite the
// one writer is every save's queue; a page view must not wait in it).
func TestMemberPageQueries(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var app *testApp
		var cookie *http.Cookie
		var pages []memberPage
		if db.Dialect() == store.SQLite {
			db, _ = demoSQLite(t)
			app = newTestAppDB(t, db)
			cookie, pages = demoMemberPages(t, app.srv)
		} else {
			app = newTestAppDB(t, db)
			cookie, pages = demoMember(t, app.srv)
		}
		for _, p := range pages {
			// Twice: the first view may mark messages read, which is a
			// write the person caused; the second has nothing new.
			getCounted(app.srv, cookie, p.path)
			rec, n := getCounted(app.srv, cookie, p.path)
			body := pageText(rec)
			if rec.Code != http.StatusOK || !strings.Contains(body, p.want) {
				t.Fatalf("%s (%s): status %d, want %q in:\n%s", p.name, p.path, rec.Code, p.want, body)
			}
			checkStatements(t, p.name, n, p.maxQueries)
			if db.Dialect() == store.Postgres && n.RoundTrips() > p.maxTrips {
				t.Errorf("%s: %d round trips, at most %d were needed", p.name, n.RoundTrips(), p.maxTrips)
			}
			if n.Writer() != 0 {
				t.Errorf("%s: a page read took the writer %d times", p.name, n.Writer())
			}
		}
	})
}

// BenchmarkMemberPages measures each page a member opens often through the
// whole handler chain, and reports its statements.
//
//	go test -run '^$' -bench MemberPages -benchmem ./internal/web/
func BenchmarkMemberPages(b *testing.B) {
	benchEach(b, func(b *testing.B, srv *Server) {
		cookie, pages := demoMember(b, srv)
		for _, p := range pages {
			b.Run(strings.ReplaceAll(p.name, " ", "-"), func(b *testing.B) {
				b.ReportAllocs()
				queries := 0
				cpu := cpuTime()
				for b.Loop() {
					rec, n := getCounted(srv, cookie, p.path)
					if rec.Code != http.StatusOK {
						b.Fatalf("GET %s: status %d: %s", p.path, rec.Code, rec.Body)
					}
					queries = n.Statements()
				}
				// CPU time is steadier than wall time on a shared
				// machine: other processes' work does not count.
				b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
				b.ReportMetric(float64(queries), "queries/op")
			})
		}
	})
}

// TestHashedAssets checks that pages link static files by hashed names that
// are served with a year's cache, and that the plain names still work.
func TestHashedAssets(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("admin@example.org", "Ada Admin", account.RoleAdmin, "en")
	c := app.client()
	page := c.get("/login")
	css := assetURL("app.css")
	if css == "/static/app.css" || !strings.Contains(page.Body, `href="`+css+`"`) {
		t.Fatalf("login page does not link %s:\n%.600s", css, page.Body)
	}
	res := c.get(css)
	res.mustStatus(t, http.StatusOK)
	if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(res.Header.Get("Content-Type"), "text/css") {
		t.Errorf("%s: Cache-Control %q, Content-Type %q", css, cc, res.Header.Get("Content-Type"))
	}
	plain := c.get("/static/app.css")
	plain.mustStatus(t, http.StatusOK)
	if plain.Body != res.Body || strings.Contains(plain.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("plain name: Cache-Control %q, same body %v", plain.Header.Get("Cache-Control"), plain.Body == res.Body)
	}
	c.get("/static/app.00000000.css").mustStatus(t, http.StatusNotFound)
}

// TestPagesCompressed checks that a page goes out gzipped when the browser
// accepts it, unchanged once unpacked, and as it is when the address has a
// query string (reflected in the page: see writeCompressed) or gzip is
// refused.
func TestPagesCompressed(t *testing.T) {
	t.Parallel()
	// Any database will do: the demo's copy on SQLite costs no seeding.
	db, res := demoSQLite(t)
	app := newTestAppDB(t, db)
	var cookie *http.Cookie
	get := func(path, accept string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.AddCookie(cookie)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		rec := httptest.NewRecorder()
		app.srv.ServeHTTP(rec, req)
		return rec
	}
	// A program's evaluation results (a chart per question) are long
	// enough to be worth it; the participants list no longer is since
	// approved people lost their decline forms (confirm.go).
	for _, l := range res.Logins {
		if l.Role == "coordinator" {
			cookie = loginCookie(t, app.srv, l.Email, demo.Password)
		}
	}
	long := fmt.Sprintf("/programs/%d/evaluations", res.Program.ID)
	// The profile page now carries the whole time zone list, so a page
	// with little on it stands for "short".
	if small := get("/profile/security", "gzip"); small.Header().Get("Content-Encoding") != "" || small.Body.Len() >= gzipMin {
		t.Errorf("a short page (%d bytes) was compressed", small.Body.Len())
	}
	plain := get(long, "")
	zipped := get(long, "br, gzip, deflate")
	if plain.Code != http.StatusOK || zipped.Header().Get("Content-Encoding") != "gzip" || plain.Header().Get("Content-Encoding") != "" {
		t.Fatalf("status %d, Content-Encoding %q with gzip accepted and %q without", plain.Code,
			zipped.Header().Get("Content-Encoding"), plain.Header().Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(zipped.Body)
	if err != nil {
		t.Fatal(err)
	}
	unpacked, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(unpacked, plain.Body.Bytes()) || zipped.Body.Len() >= plain.Body.Len()/2 {
		t.Errorf("unpacked page differs (%v) or barely shrank: %d of %d bytes", err, zipped.Body.Len(), plain.Body.Len())
	}
	if !strings.Contains(zipped.Header().Get("Vary"), "Accept-Encoding") {
		t.Errorf("Vary %q", zipped.Header().Get("Vary"))
	}
	for _, c := range []struct{ path, accept string }{{long + "?x=secret", "gzip"}, {long, "gzip;q=0"}, {long, "identity"}} {
		if rec := get(c.path, c.accept); rec.Header().Get("Content-Encoding") != "" || rec.Code != http.StatusOK {
			t.Errorf("%s with %q: status %d, Content-Encoding %q", c.path, c.accept, rec.Code, rec.Header().Get("Content-Encoding"))
		}
	}
}

// memberWrite is one save a member makes often, with the most statements
// it may send (the session, the checks, the write and its email; the
// access log takes the handler's word on the pair, program.Viewed), as for
// memberPage.
type memberWrite struct {
	name, form string // form: the page whose form is saved, opened first for its version
	post       string
	values     url.Values
	maxQueries int
	maxTrips   int // on PostgreSQL, BEGIN and COMMIT included
}

// TestMemberWriteQueries counts the statements behind the saves of the
// load test's mix (bench/load): a mentee's agenda, a mentor's notes and a
// booking, each made twice so that the second is an edit.
func TestMemberWriteQueries(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestAppDB(t, db)
		mentee, pages := demoMember(t, app.srv)
		pair, meetingPath := pages[1].path, strings.TrimSuffix(pages[4].path, "/notes")
		var mentorEmail string
		if err := app.srv.DB.QueryRow(context.Background(), `SELECT u.email FROM pair_members pm JOIN users u ON u.id = pm.user_id
			WHERE pm.pair_id = ? AND pm.side = 'mentor' ORDER BY u.id LIMIT 1`, strings.TrimPrefix(pair, "/pairs/")).Scan(&mentorEmail); err != nil {
			t.Fatal(err)
		}
		mentor := loginCookie(t, app.srv, mentorEmail, demo.Password)
		day := app.srv.Clock.Now().AddDate(0, 0, 9).Format("2006-01-02")
		version := regexp.MustCompile(`name="version" value="(\d+)"`)
		for _, w := range []struct {
			memberWrite
			cookie *http.Cookie
		}{
			{memberWrite{"save agenda", meetingPath + "/agenda?edit=1", meetingPath + "/agenda", url.Values{"rows": {"1"}, "order_0": {"1"},
				"source_0": {"own"}, "title_0": {"Tema"}, "text_0": {"Til neste gang"}}, 10, 7}, mentee},
			{memberWrite{"save notes", meetingPath + "/notes?edit=1", meetingPath + "/notes", url.Values{"since_last": {"Skrevet"},
				"today": {"Jobbsøknader"}, "time_minutes": {"60"}}, 4, 4}, mentor},
			{memberWrite{"book", "", pair + "/meetings", url.Values{"date": {day}, "time": {"14:30"}, "timezone": {"Europe/Oslo"},
				"minutes": {"60"}, "place": {"Kantina"}}, 11, 8}, mentee},
		} {
			for range 2 {
				if w.form != "" {
					rec, _ := getCounted(app.srv, w.cookie, w.form)
					m := version.FindStringSubmatch(pageText(rec))
					if m == nil {
						t.Fatalf("%s: no version in %s (status %d)", w.name, w.form, rec.Code)
					}
					w.values.Set("version", m[1])
				}
				ctx, n := store.WithCounter(context.Background())
				req := httptest.NewRequestWithContext(ctx, http.MethodPost, w.post, strings.NewReader(w.values.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.AddCookie(w.cookie)
				rec := httptest.NewRecorder()
				app.srv.ServeHTTP(rec, req)
				if rec.Code != http.StatusSeeOther {
					t.Fatalf("%s: status %d: %s", w.name, rec.Code, rec.Body)
				}
				checkStatements(t, w.name, n, w.maxQueries)
				if db.Dialect() == store.Postgres && n.RoundTrips() > w.maxTrips {
					t.Errorf("%s: %d round trips, at most %d were needed", w.name, n.RoundTrips(), w.maxTrips)
				}
			}
		}
	})
}

// pageText is a recorded page's text, unzipped when it went out gzipped.
func pageText(rec *httptest.ResponseRecorder) string {
	if zr, err := gzip.NewReader(bytes.NewReader(rec.Body.Bytes())); err == nil {
		if b, err := io.ReadAll(zr); err == nil {
			return string(b)
		}
	}
	return rec.Body.String()
}

// checkStatements logs how many statements a request sent and fails when
// it needed more than max; with -v it lists them.
func checkStatements(t *testing.T, name string, n *store.Counter, max int) {
	t.Helper()
	t.Logf("%-11s %2d statements, %2d round trips", name, n.Statements(), n.RoundTrips())
	if n.Statements() > max {
		t.Errorf("%s: %d statements, at most %d were needed:\n%s", name, n.Statements(), max, strings.Join(n.Texts(), "\n"))
	}
	if testing.Verbose() {
		for _, q := range n.Texts() {
			t.Logf("    %.160s", q)
		}
	}
}
