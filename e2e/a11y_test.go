package e2e

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// demoLogin is one account that `mentorskap demo` printed.
type demoLogin struct {
	Role, Name, Email, Note string
}

var demoLine = regexp.MustCompile(`^(admin|coordinator|mentor|mentee)\s+(.+?)\s{2,}(\S+@\S+)\s*(.*)$`)

// seedDemo fills the server's database with the demo and returns the logins
// it printed and their shared password, so tests find people by what the
// demo says about them rather than by ids.
func seedDemo(t *testing.T, s *server) ([]demoLogin, string) {
	t.Helper()
	out := s.run(t, "", "demo")
	var logins []demoLogin
	password := ""
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimRight(line, " \r")
		if m := demoLine.FindStringSubmatch(line); m != nil {
			logins = append(logins, demoLogin{Role: m[1], Name: strings.TrimSpace(m[2]), Email: m[3], Note: m[4]})
		}
		if _, after, ok := strings.Cut(line, "password:"); ok {
			password = strings.TrimSpace(after)
		}
	}
	if len(logins) == 0 || password == "" {
		t.Fatalf("demo printed no logins or no password:\n%s", out)
	}
	return logins, password
}

// pickLogin returns the first demo account in the role whose note contains
// every one of the words.
func pickLogin(t *testing.T, logins []demoLogin, role string, words ...string) demoLogin {
	t.Helper()
next:
	for _, l := range logins {
		if l.Role != role {
			continue
		}
		for _, w := range words {
			if !strings.Contains(l.Note, w) {
				continue next
			}
		}
		return l
	}
	t.Fatalf("the demo has no %s whose note says %q: %+v", role, words, logins)
	return demoLogin{}
}

var digits = regexp.MustCompile(`[0-9]+`)

// pagePattern is the kind of page a URL shows: ids and query values become
// placeholders, so the crawl checks each page once, not each pair's copy.
func pagePattern(u string) string {
	path, query, _ := strings.Cut(u, "?")
	p := digits.ReplaceAllString(path, "N")
	if query == "" {
		return p
	}
	var keys []string
	for _, kv := range strings.Split(query, "&") {
		k, _, _ := strings.Cut(kv, "=")
		keys = append(keys, k)
	}
	return p + "?" + strings.Join(keys, "&")
}

// notAPage matches links that download a file or leave the HTML pages.
var notAPage = regexp.MustCompile(`^/(static|api|healthz|metrics|logout)\b|/(pdf|ics|csv|download|export)(/|$|\?)|\.(pdf|ics|csv|json|svg|png|xml)($|\?)`)

// linksJS lists the same-site links of the page as path and query.
const linksJS = `[...document.querySelectorAll('a[href]')]
	.filter(a => a.origin === location.origin && !a.hasAttribute('download') && a.target !== '_blank')
	.map(a => a.pathname + a.search)`

// crawlRole visits, breadth first from the home page, one page of every kind
// that the signed-in person can reach by links, and runs the page checks
// and screenshots on each. It returns the page kinds it saw.
func crawlRole(t *testing.T, ctx context.Context, s *server, who string, inScope func(pattern string) bool, limit int) map[string]string {
	t.Helper()
	seen := map[string]string{} // pattern → the URL checked for it
	queue := []string{"/"}
	queued := map[string]bool{"/": true}
	for len(queue) > 0 && len(seen) < limit {
		u := queue[0]
		queue = queue[1:]
		pat := pagePattern(u)
		if _, done := seen[pat]; done {
			continue
		}
		seen[pat] = u
		tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		res, err := chromedp.Run(tctx, chromedp.NavigateResponse(s.URL+u))
		cancel()
		if err != nil {
			t.Fatalf("%s: opening %s: %v%s", who, u, err, saveFailure(t, ctx))
		}
		if res != nil && res.Status >= 400 {
			t.Errorf("%s: %s answers %d, though a page links to it", who, u, res.Status)
			continue
		}
		run(t, ctx, chromedp.WaitReady(chromedp.CSS("main")))
		name := who + strings.ReplaceAll(pat, "/", "_")
		checkPage(t, ctx, name)
		shot(t, ctx, name)
		for _, l := range eval[[]string](t, ctx, linksJS) {
			p := pagePattern(l)
			if queued[l] || notAPage.MatchString(l) || !inScope(p) {
				continue
			}
			if _, done := seen[p]; done {
				continue
			}
			queued[l] = true
			queue = append(queue, l)
		}
	}
	return seen
}

// mustHaveVisited fails unless the crawl reached each of the page kinds, so
// a page that loses its link (or the demo that loses its data) is noticed
// instead of silently leaving the page unchecked.
func mustHaveVisited(t *testing.T, who string, seen map[string]string, patterns ...string) {
	t.Helper()
	for _, want := range patterns {
		found := false
		for p := range seen {
			if p == want || strings.HasPrefix(p, want) {
				found = true
				break
			}
		}
		if !found {
			var got []string
			for p := range seen {
				got = append(got, p)
			}
			b, _ := json.Marshal(got)
			t.Errorf("%s: the crawl never reached %s; it saw %s", who, want, b)
		}
	}
}

// TestA11yEveryPage signs in as each kind of person in the demo and checks
// every kind of page they can reach: axe-core finds no serious or critical
// problem, nothing scrolls sideways at 375 px and every control is at least
// 44x44 px. Each page is also kept as a screenshot at both widths.
//
// The crawl costs about two minutes of CPU, a third of the whole suite's on
// two cores, so it is a job of its own: it runs when named
// (go test -run TestA11yEveryPage ./e2e/), when screenshots are asked for,
// or with MENTORSKAP_E2E_CRAWL=1, and CI runs it as a step of its own.
func TestA11yEveryPage(t *testing.T) {
	t.Parallel()
	if !crawlRequested() {
		t.Skip("the crawl of every page is a job of its own: go test -run TestA11yEveryPage ./e2e/ (bash .ci/run runs it)")
	}
	needAxe(t)
	s := startServer(t)
	logins, password := seedDemo(t, s)

	everything := func(string) bool { return true }
	pairPages := func(p string) bool { return p == "/" || strings.HasPrefix(p, "/pairs/") }
	roles := []struct {
		who     string
		login   demoLogin
		inScope func(string) bool
		must    []string
	}{
		{
			who:     "coordinator",
			login:   pickLogin(t, logins, "coordinator"),
			inScope: everything,
			must: []string{"/", "/profile", "/programs", "/programs/N", "/programs/N/participants",
				"/programs/N/participants/N", "/programs/N/pairs", "/programs/N/matching",
				"/programs/N/dashboard", "/programs/N/analytics", "/programs/N/report", "/programs/N/invitations", "/programs/N/outcomes", "/pairs/N",
				"/programs/N/announcements", "/programs/N/resources/manage", "/programs/N/questions", "/programs/N/questions/N",
				"/programs/N/events", "/programs/N/events/N"},
		},
		{
			// The administrator sees the coordinator's pages too; those
			// were checked above, so only the administrator's own are
			// crawled here.
			who:   "admin",
			login: pickLogin(t, logins, "admin"),
			inScope: func(p string) bool {
				return p == "/" || p == "/programs" || strings.HasPrefix(p, "/admin") || strings.HasPrefix(p, "/profile")
			},
			must: []string{"/", "/admin", "/admin/users", "/admin/outbox", "/admin/audit", "/admin/brand"},
		},
		{
			who:     "mentor",
			login:   pickLogin(t, logins, "mentor", "paired with", "meetings"),
			inScope: everything,
			must: []string{"/", "/profile", "/pairs/N", "/pairs/N/agreement", "/pairs/N/meetings",
				"/pairs/N/meetings/N", "/pairs/N/meetings/N/notes", "/pairs/N/meetings/new",
				"/pairs/N/goals", "/pairs/N/messages", "/pairs/N/end", "/programs/N/resources",
				"/programs/N/events", "/programs/N/events/N"},
		},
		{
			who:     "mentee",
			login:   pickLogin(t, logins, "mentee", "paired with", "meetings"),
			inScope: everything,
			must: []string{"/", "/profile", "/pairs/N", "/pairs/N/agreement", "/pairs/N/meetings",
				"/pairs/N/meetings/N", "/pairs/N/meetings/N/agenda", "/pairs/N/goals", "/pairs/N/goals/N",
				"/pairs/N/messages", "/pairs/N/evaluations/", "/pairs/N/preparation"},
		},
		{
			// Pairs at other stages show other states of the same pages:
			// a follow-up overdue, an agreement being written, a pair that
			// ended early, and someone still waiting for approval.
			who:     "mentee-behind",
			login:   pickLogin(t, logins, "mentee", "paired with", "overdue"),
			inScope: pairPages,
			must:    []string{"/pairs/N", "/pairs/N/evaluations/"},
		},
		{
			who:     "mentor-drafting",
			login:   pickLogin(t, logins, "mentor", "paired with", "drafting"),
			inScope: pairPages,
			must:    []string{"/pairs/N", "/pairs/N/agreement"},
		},
		{
			who:     "mentee-ended",
			login:   pickLogin(t, logins, "mentee", "paired with", "ended early"),
			inScope: pairPages,
			must:    []string{"/pairs/N", "/pairs/N/closing"},
		},
		{
			// The mentee who left three months ago has the outcome
			// questionnaire open.
			who:     "mentee-follow-up",
			login:   pickLogin(t, logins, "mentee", "paired with", "outcome questionnaire"),
			inScope: func(p string) bool { return p == "/" || strings.HasPrefix(p, "/outcomes") },
			must:    []string{"/", "/outcomes/N"},
		},
		{
			who:     "applicant",
			login:   pickLogin(t, logins, "mentee", "pending"),
			inScope: func(p string) bool { return p == "/" || strings.HasPrefix(p, "/programs") },
			must:    []string{"/", "/programs/N"},
		},
	}
	for _, r := range roles {
		t.Run(r.who, func(t *testing.T) {
			// Crawling only reads, so the roles share the server.
			t.Parallel()
			b := newBrowser(t)
			login(t, b, s, r.login.Email, password)
			useCrawlLanguage(t, b, s)
			seen := crawlRole(t, b, s, r.who, r.inScope, 80)
			mustHaveVisited(t, r.who, seen, r.must...)
			t.Logf("%s (%s): checked %d kinds of page", r.who, r.login.Email, len(seen))
			logout(t, b, s)
		})
	}
}

// TestA11yLoggedOut checks the pages someone sees before signing in.
func TestA11yLoggedOut(t *testing.T) {
	t.Parallel()
	needAxe(t)
	s := startServer(t)
	seedDemo(t, s)
	b := newBrowser(t)
	for _, p := range []string{"/", "/login", "/forgot"} {
		run(t, b, chromedp.Navigate(s.URL+p), chromedp.WaitReady(chromedp.CSS("main")))
		name := fmt.Sprintf("loggedout%s", strings.ReplaceAll(p, "/", "_"))
		checkPage(t, b, name)
		shot(t, b, name)
	}
}

// focusProbeJS describes the focused element after a Tab: whether it shows
// a focus indicator and whether it is on screen.
const focusProbeJS = `(() => {
	const s = document.getElementById('__e2e_start'); if (s) s.remove();
	const a = document.activeElement;
	if (!a || a === document.body || a === document.documentElement) return {state: 'none'};
	let desc = a.tagName.toLowerCase() + (a.id ? '#' + a.id : '') + (a.getAttribute('name') ? '[name=' + a.getAttribute('name') + ']' : '');
	const text = (a.innerText || a.value || a.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 30);
	if (text) desc += ' "' + text + '"';
	const cs = getComputedStyle(a);
	const visible = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || (cs.boxShadow && cs.boxShadow !== 'none');
	const r = a.getBoundingClientRect();
	const onScreen = r.width > 1 && r.height > 1 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
	return {state: 'match', desc, visible, kind: onScreen ? 'on' : 'off'};
})()`

// tabWalk goes through the whole page with the Tab key, as a keyboard user
// would, and reports every element that takes focus without showing it or
// while out of sight. It returns how many stops it made.
func tabWalk(t *testing.T, ctx context.Context, name string) int {
	t.Helper()
	focusStart(t, ctx)
	stops := 0
	for i := 0; i < 400; i++ {
		tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		st, err := chromedp.Run(tctx, func(ctx context.Context, tg *chromedp.Target) (focusState, error) {
			if _, err := chromedp.KeyEvent(kb.Tab)(ctx, tg); err != nil {
				return focusState{}, err
			}
			return chromedp.Evaluate[focusState](focusProbeJS)(ctx, tg)
		})
		cancel()
		if err != nil {
			t.Fatalf("%s: Tab: %v%s", name, err, saveFailure(t, ctx))
		}
		if st.State == "none" {
			if stops > 0 {
				return stops
			}
			continue
		}
		stops++
		if !st.Visible {
			t.Errorf("%s: %s takes focus without a visible focus indicator", name, st.Desc)
		}
		if st.Kind != "on" {
			t.Errorf("%s: %s takes focus out of sight", name, st.Desc)
		}
	}
	t.Errorf("%s: focus never left the page after 400 Tab presses", name)
	return stops
}

// TestA11yKeyboard walks with Tab through the pages where mentors and
// mentees do most of their work, and the coordinator's busiest ones: every
// stop shows where focus is.
func TestA11yKeyboard(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	logins, password := seedDemo(t, s)
	for _, who := range []struct {
		role  string
		words []string
		pages []string // page kinds, reached through the site's own links
	}{
		{"mentee", []string{"paired with", "meetings"}, []string{"/", "/pairs/N", "/pairs/N/meetings/N/agenda", "/pairs/N/goals", "/pairs/N/messages", "/pairs/N/end"}},
		{"mentor", []string{"paired with", "meetings"}, []string{"/pairs/N/meetings/N/notes", "/pairs/N/meetings/new", "/pairs/N/agreement/edit"}},
		{"coordinator", nil, []string{"/programs/N", "/programs/N/pairs", "/programs/N/dashboard", "/programs/N/matching"}},
	} {
		t.Run(who.role, func(t *testing.T) {
			l := pickLogin(t, logins, who.role, who.words...)
			b := newBrowser(t)
			login(t, b, s, l.Email, password)
			urls := discover(t, b, s, who.pages)
			for _, pat := range who.pages {
				run(t, b, chromedp.Navigate(s.URL+urls[pat]), chromedp.WaitReady(chromedp.CSS("main")))
				n := tabWalk(t, b, who.role+" "+urls[pat])
				t.Logf("%s %s: %d focus stops", who.role, urls[pat], n)
			}
		})
	}
}

// discover follows the site's links from the home page until it has a URL
// for each of the page kinds.
func discover(t *testing.T, ctx context.Context, s *server, kinds []string) map[string]string {
	t.Helper()
	want := map[string]bool{}
	for _, k := range kinds {
		want[k] = true
	}
	found := map[string]string{}
	if want["/"] {
		found["/"] = "/"
	}
	queue := []string{"/"}
	visited := map[string]bool{}
	for len(queue) > 0 && len(found) < len(kinds) && len(visited) < 80 {
		u := queue[0]
		queue = queue[1:]
		if visited[pagePattern(u)] {
			continue
		}
		visited[pagePattern(u)] = true
		run(t, ctx, chromedp.Navigate(s.URL+u), chromedp.WaitReady(chromedp.CSS("main")))
		for _, l := range eval[[]string](t, ctx, linksJS) {
			p := pagePattern(l)
			if notAPage.MatchString(l) || visited[p] {
				continue
			}
			if want[p] && found[p] == "" {
				found[p] = l
			}
			queue = append(queue, l)
		}
	}
	for _, k := range kinds {
		if found[k] == "" {
			t.Fatalf("no link leads to a page like %s", k)
		}
	}
	return found
}

// crawlRequested reports whether this run asked for TestA11yEveryPage.
func crawlRequested() bool {
	if os.Getenv("MENTORSKAP_E2E_CRAWL") == "1" || os.Getenv("MENTORSKAP_SCREENSHOTS") != "" {
		return true
	}
	f := flag.Lookup("test.run")
	return f != nil && strings.Contains(f.Value.String(), "A11yEveryPage")
}
