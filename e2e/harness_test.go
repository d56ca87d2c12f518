// Package e2e drives the real binary with a real browser: journeys that a
// coordinator, a mentor and a mentee go through, checked for accessibility and
// for phone widths along the way. Tests over HTTP prove the server; only a
// browser proves what people see and whether the keyboard is enough.
package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	_ "modernc.org/sqlite"

	"mentorskap/internal/i18n"
	"mentorskap/internal/testtool"
)

// binPath is the mentorskap binary built once by TestMain.
var binPath string

func TestMain(m *testing.M) {
	// A browser test mostly waits: for Chromium to lay out, for the server
	// to answer, for an email to arrive.
	testtool.RaiseParallel(2)
	dir, err := os.MkdirTemp("", "mentorskap-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "mentorskap")
	build := exec.Command("go", "build", "-o", binPath, "./cmd/mentorskap")
	build.Dir = ".."
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: building mentorskap:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	browserCancel()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is one running `mentorskap serve` with its own database.
type server struct {
	URL    string // http://127.0.0.1:PORT
	DBPath string // fresh SQLite file in t.TempDir()
	bin    string

	// dbs are the test's own connections to DBPath, read-write and
	// read-only, opened on first use and kept: a new connection parses the
	// whole schema, tens of milliseconds under the race detector, and
	// tests read the database often (some poll it).
	dbMu sync.Mutex
	dbs  [2]*sql.DB
}

// closeDBs closes the connections openDB opened.
func (s *server) closeDBs() {
	s.dbMu.Lock()
	defer s.dbMu.Unlock()
	for i, db := range s.dbs {
		if db != nil {
			db.Close()
			s.dbs[i] = nil
		}
	}
}

// cleanEnv is the environment without MENTORSKAP_* settings, so that a
// developer's own configuration (say an SMTP host) never leaks into a test.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MENTORSKAP_") {
			env = append(env, kv)
		}
	}
	return env
}

// lockedBuffer collects the server's output while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServer runs serve on a free loopback port with a fresh database and
// stops it when the test ends; a failed test gets the server's log.
func startServer(t *testing.T) *server {
	t.Helper()
	return startServerWith(t, "", nil)
}

// startServerWith is startServer with more environment, and the site named
// by host ("localhost": WebAuthn takes no IP address as the site's
// identity) instead of its address.
func startServerWith(t *testing.T, host string, env []string) *server {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s := &server{
		URL:    "http://" + addr,
		DBPath: filepath.Join(t.TempDir(), "mentorskap.db"),
		bin:    binPath,
	}
	t.Cleanup(s.closeDBs)
	if host != "" {
		_, port, _ := net.SplitHostPort(addr)
		s.URL = "http://" + net.JoinHostPort(host, port)
	}
	logs := &lockedBuffer{}
	cmd := exec.Command(s.bin, "serve", "--addr", addr, "--db", s.DBPath, "--base-url", s.URL)
	cmd.Env = append(cleanEnv(), env...)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case err := <-exited:
			t.Fatalf("server exited before it was ready: %v\n%s", err, logs.String())
		default:
		}
		res, err := http.Get(s.URL + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not healthy after 20 s (last error %v)\n%s", err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// run runs the binary with --db inserted after the subcommand when it takes
// one, fails the test on a non-zero exit and returns standard output.
func (s *server) run(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	args = append([]string(nil), args...)
	hasDB := false
	for _, a := range args {
		if a == "--db" || strings.HasPrefix(a, "--db=") {
			hasDB = true
		}
	}
	if !hasDB && len(args) > 0 {
		// Flags go before positional arguments (restore FILE), so --db
		// comes right after the subcommand's own words.
		at := -1
		switch args[0] {
		case "user":
			if len(args) > 1 {
				at = 2
			}
		case "demo", "backup", "restore", "serve":
			at = 1
		}
		if at >= 0 {
			args = append(args[:at], append([]string{"--db", s.DBPath}, args[at:]...)...)
		}
	}
	cmd := exec.Command(s.bin, args...)
	cmd.Env = cleanEnv()
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("mentorskap %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String()
}

// addUser creates an account from the command line, as an operator would.
func (s *server) addUser(t *testing.T, email, name, role, password string) {
	t.Helper()
	s.run(t, password+"\n", "user", "add", "--email", email, "--name", name, "--role", role, "--password-stdin")
}

// mail is one email from the outbox.
type mail struct {
	To, Subject, Body string
	base              string // the server's URL, so links can be rewritten onto it
}

// openDB opens the server's SQLite file next to the running server; WAL lets
// both work at once and the busy timeout covers the server's short writes.
// The connection is kept for the server's life: callers do not close it.
// Each statement outside a transaction reads what was committed last.
func (s *server) openDB(t *testing.T, readOnly bool) *sql.DB {
	t.Helper()
	i := 0
	if readOnly {
		i = 1
	}
	s.dbMu.Lock()
	defer s.dbMu.Unlock()
	if s.dbs[i] != nil {
		return s.dbs[i]
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Set("_time_format", "sqlite")
	if readOnly {
		q.Set("mode", "ro")
	}
	db, err := sql.Open("sqlite", "file:"+s.DBPath+"?"+q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	s.dbs[i] = db
	return db
}

// lastMailTo returns the newest email to the address whose subject contains
// subjectContains, waiting up to 5 s for it to be queued.
func (s *server) lastMailTo(t *testing.T, email, subjectContains string) mail {
	t.Helper()
	db := s.openDB(t, true)
	deadline := time.Now().Add(5 * time.Second)
	for {
		m := mail{base: s.URL}
		err := db.QueryRow(`SELECT to_email, subject, body FROM outbox
			WHERE lower(to_email) = lower(?) AND instr(subject, ?) > 0
			ORDER BY id DESC LIMIT 1`, email, subjectContains).Scan(&m.To, &m.Subject, &m.Body)
		if err == nil {
			return m
		}
		if !errors.Is(err, sql.ErrNoRows) {
			t.Fatalf("reading the outbox: %v", err)
		}
		if time.Now().After(deadline) {
			var subjects []string
			rows, qerr := db.Query(`SELECT subject FROM outbox WHERE lower(to_email) = lower(?) ORDER BY id DESC`, email)
			if qerr == nil {
				for rows.Next() {
					var subj string
					rows.Scan(&subj)
					subjects = append(subjects, subj)
				}
				rows.Close()
			}
			t.Fatalf("no email to %s with %q in the subject after 5 s; subjects to them: %q", email, subjectContains, subjects)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// execSQL changes the server's database directly. Tests use it only to make
// time pass (moving timestamps into the past), never to set up state the
// product could create itself.
func (s *server) execSQL(t *testing.T, query string, args ...any) int64 {
	t.Helper()
	db := s.openDB(t, false)
	res, err := db.Exec(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	n, _ := res.RowsAffected()
	return n
}

// queryString reads one text value from the server's database.
func (s *server) queryString(t *testing.T, query string, args ...any) string {
	t.Helper()
	db := s.openDB(t, true)
	var v sql.NullString
	if err := db.QueryRow(query, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return v.String
}

var urlInText = regexp.MustCompile(`https?://[^\s<>"'()\[\]]+`)

// link returns the first URL in the body whose path starts with pathPrefix,
// pointed at the test server whatever host the email names.
func (m mail) link(t *testing.T, pathPrefix string) string {
	t.Helper()
	for _, raw := range urlInText.FindAllString(m.Body, -1) {
		raw = strings.TrimRight(raw, ".,;:!?")
		u, err := url.Parse(raw)
		if err != nil || !strings.HasPrefix(u.Path, pathPrefix) {
			continue
		}
		if m.base != "" {
			if b, err := url.Parse(m.base); err == nil {
				u.Scheme, u.Host = b.Scheme, b.Host
			}
		}
		return u.String()
	}
	t.Fatalf("no link starting with %s in the email %q to %s:\n%s", pathPrefix, m.Subject, m.To, m.Body)
	return ""
}

// chromiumPath is the browser the tests drive.
func chromiumPath() string {
	if p := os.Getenv("MENTORSKAP_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

var (
	browserOnce   sync.Once
	browserRoot   context.Context // the shared Chromium's first tab
	browserErr    error
	browserCancel = func() {}
)

// sharedBrowser starts the one headless Chromium that every test of this
// binary uses; each test gets its own browser context in it (newBrowser).
// Starting a Chromium per person cost a second or more of CPU each, the
// largest fixed cost of the suite on two cores.
func sharedBrowser(path string) (context.Context, error) {
	browserOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mentorskap-e2e-chromium-")
		if err != nil {
			browserErr = err
			return
		}
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(path),
			chromedp.Headless,
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.Flag("disable-quic", true),
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.Flag("disable-features", "Translate"),
			chromedp.Flag("password-store", "basic"),
			// A fixed browser language, so that pages a test has not switched
			// to another language come in English.
			chromedp.Flag("lang", "en-US"),
			chromedp.UserDataDir(dir),
			chromedp.WindowSize(1280, 900),
		}
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(allocCtx)
		// The first action starts the browser; it must not run under a
		// timeout, which would end the whole browser when it expires.
		if err := chromedp.Do(ctx); err != nil {
			cancel()
			cancelAlloc()
			os.RemoveAll(dir)
			browserErr = err
			return
		}
		browserRoot = ctx
		browserCancel = func() {
			cancel()
			cancelAlloc()
			os.RemoveAll(dir)
		}
	})
	return browserRoot, browserErr
}

// newBrowser opens a window in its own browser context of the shared
// Chromium: its own cookies and storage, as a separate browser would have,
// so that each person in a journey is signed in on their own.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := testtool.File(t, "Chromium", chromiumPath(), testtool.Chromium)
	root, err := sharedBrowser(path)
	if err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	ctx, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
	if err := chromedp.Do(ctx, setWidth(desktopWidth)); err != nil {
		cancel()
		t.Fatalf("opening a browser window: %v", err)
	}
	t.Cleanup(cancel)
	// Forms marked data-confirm ask with window.confirm: answer yes, as the
	// person going through the journey would.
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			go chromedp.Run(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
				return err
			}))
		}
	}()
	return ctx
}

// run runs the actions with a 30 s limit; on failure it keeps a screenshot
// and the HTML of the page for the post-mortem and fails the test.
func run(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, actions...); err != nil {
		t.Fatalf("browser: %v%s", err, saveFailure(t, ctx))
	}
}

// eval evaluates a JavaScript expression in the page and decodes its result.
func eval[T any](t *testing.T, ctx context.Context, js string, opts ...chromedp.EvaluateOption) T {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(tctx, chromedp.Evaluate[T](js, opts...))
	if err != nil {
		t.Fatalf("evaluating %s: %v%s", abbreviate(js, 200), err, saveFailure(t, ctx))
	}
	return v
}

// saveFailure writes what the browser showed when a step failed and returns
// a note naming the files.
func saveFailure(t *testing.T, ctx context.Context) string {
	dir := shotDir(t)
	base := filepath.Join(dir, fmt.Sprintf("%s-FAILED-%d", safeName(t.Name()), time.Now().UnixNano()))
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var notes []string
	if loc, err := chromedp.Run(sctx, chromedp.Location()); err == nil {
		notes = append(notes, "page "+loc)
	}
	if png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100)); err == nil {
		if os.WriteFile(base+".png", png, 0o644) == nil {
			notes = append(notes, "screenshot "+base+".png")
		}
	}
	if html, err := chromedp.Run(sctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`)); err == nil {
		if os.WriteFile(base+".html", []byte(html), 0o644) == nil {
			notes = append(notes, "HTML "+base+".html")
		}
	}
	if len(notes) == 0 {
		return ""
	}
	return "\n(" + strings.Join(notes, "; ") + ")"
}

func abbreviate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// login signs in through the login form, with the keyboard.
func login(t *testing.T, ctx context.Context, s *server, email, password string) {
	t.Helper()
	run(t, ctx, chromedp.Navigate(s.URL+"/login"), chromedp.WaitVisible(chromedp.CSS("#f-email")))
	fill(t, ctx, "#f-email", email)
	fill(t, ctx, "#f-password", password)
	press(t, ctx, `main form[action="/login"] button`)
	run(t, ctx, chromedp.WaitReady(chromedp.CSS(`form[action="/logout"], [role=alert]`)))
	if !eval[bool](t, ctx, `!!document.querySelector('form[action="/logout"]')`) {
		t.Fatalf("login as %s failed: %s%s", email,
			eval[string](t, ctx, `(document.querySelector('[role=alert]')||document.body).innerText`), saveFailure(t, ctx))
	}
}

// logout signs out with the header's button.
func logout(t *testing.T, ctx context.Context, s *server) {
	t.Helper()
	run(t, ctx, chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"] button`)))
	press(t, ctx, `form[action="/logout"] button`)
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#f-email`)))
}

var (
	shotOnce   sync.Once
	shotFolder string
	shotMu     sync.Mutex
	shotCount  = map[string]int{}
	shotTold   = map[string]bool{}
)

// shotDir is where screenshots go, made and announced at first use.
func shotDir(t *testing.T) string {
	shotOnce.Do(func() {
		shotFolder = os.Getenv("MENTORSKAP_SCREENSHOTS")
		if shotFolder != "" {
			if err := os.MkdirAll(shotFolder, 0o755); err != nil {
				shotFolder = ""
			}
		}
		if shotFolder == "" {
			dir, err := os.MkdirTemp("", "mentorskap-screenshots-")
			if err != nil {
				dir = os.TempDir()
			}
			shotFolder = dir
		}
		fmt.Printf("e2e: screenshots in %s\n", shotFolder)
	})
	shotMu.Lock()
	told := shotTold[t.Name()]
	shotTold[t.Name()] = true
	shotMu.Unlock()
	if !told {
		t.Logf("screenshots in %s", shotFolder)
	}
	return shotFolder
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

func safeName(s string) string { return unsafeChars.ReplaceAllString(s, "_") }

// phoneWidth is the narrowest width we design for.
const phoneWidth = 375

// setWidth emulates a viewport of the width; a phone width also turns on the
// mobile viewport so <meta name=viewport> applies as on a phone.
func setWidth(width int64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: width, Height: 900, DeviceScaleFactor: 1, Mobile: width <= phoneWidth,
		})
		if err != nil {
			return err
		}
		// Let layout settle before anyone measures or captures.
		_, err = chromedp.Evaluate[chromedp.Void](`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))`, chromedp.EvalAwaitPromise)(ctx, tg)
		return err
	})
}

// desktopWidth is the width every window starts at and returns to.
const desktopWidth = 1280

// resetWidth goes back to the desktop width. It is set rather than cleared:
// a window of a new browser context does not take --window-size.
func resetWidth() chromedp.Action[chromedp.Void] { return setWidth(desktopWidth) }

// shot saves the page at desktop and phone width when MENTORSKAP_SCREENSHOTS
// names a folder.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	// Screenshots are for a person to look at, and two full-page PNGs of
	// every page cost the crawl dearly, so they are taken only when asked
	// for. A failure saves its own (saveFailure) either way.
	if os.Getenv("MENTORSKAP_SCREENSHOTS") == "" {
		return
	}
	dir := shotDir(t)
	shotMu.Lock()
	shotCount[t.Name()]++
	n := shotCount[t.Name()]
	shotMu.Unlock()
	base := filepath.Join(dir, fmt.Sprintf("%s-%02d-%s", safeName(t.Name()), n, safeName(name)))
	for _, w := range []struct {
		width  int64
		suffix string
	}{{1280, "desktop"}, {phoneWidth, "phone"}} {
		tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		png, err := chromedp.Run(tctx, func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
			if _, err := setWidth(w.width)(ctx, tg); err != nil {
				return nil, err
			}
			return chromedp.FullScreenshot(100)(ctx, tg)
		})
		cancel()
		if err != nil {
			run(t, ctx, resetWidth())
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(base+"-"+w.suffix+".png", png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run(t, ctx, resetWidth())
}

var (
	axeOnce sync.Once
	axeSrc  string
	axeErr  error
)

// axeScript is axe-core's source, read once.
func axeScript() (string, error) {
	axeOnce.Do(func() {
		path := os.Getenv("MENTORSKAP_AXE")
		if path == "" {
			path = filepath.Join("node_modules", "axe-core", "axe.min.js")
		}
		b, err := os.ReadFile(path)
		if err != nil {
			axeErr = err
			return
		}
		axeSrc = string(b)
	})
	return axeSrc, axeErr
}

// needAxe comes first in every test that checks pages with axe-core, so
// that without it the test skips (or fails under MENTORSKAP_CI) before it
// starts a server and a browser.
func needAxe(t *testing.T) {
	t.Helper()
	if _, err := axeScript(); err != nil {
		testtool.Missing(t, "axe-core", testtool.Axe, err.Error())
	}
}

type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// targetsJS lists, at the current width, the visible controls smaller than
// 44x44 CSS px. A link inside running text is exempt, as WCAG 2.5.8 allows:
// its height is the line's. A checkbox or radio counts together with its
// label, which takes the same tap.
const targetsJS = `(() => {
  const small = [];
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  const describe = el => {
    let d = el.tagName.toLowerCase();
    if (el.id) d += '#' + el.id;
    if (el.getAttribute('name')) d += '[name=' + el.getAttribute('name') + ']';
    if (el.className && typeof el.className === 'string') d += '.' + el.className.trim().split(/\s+/).join('.');
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return d + (text ? ' "' + text + '"' : '');
  };
  const inRunningText = el => {
    if (el.tagName !== 'A' || !getComputedStyle(el).display.startsWith('inline')) return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
    if (!block) return false;
    const rest = block.textContent.replace(el.textContent, '').replace(/[\s·•|,.:;()\-–—]+/g, '');
    return rest.length > 0;
  };
  for (const el of document.querySelectorAll(sel)) {
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || cs.display === 'none') continue;
    if (el.closest('[hidden], details:not([open]) > :not(summary)')) continue;
    let r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) continue;           // visually hidden
    if (r.right + scrollX <= 0 || r.bottom + scrollY <= 0) continue; // off screen until focused
    if (inRunningText(el)) continue;
    let w = r.width, h = r.height;
    if (el.type === 'checkbox' || el.type === 'radio') {
      let left = r.left, top = r.top, right = r.right, bottom = r.bottom;
      for (const l of el.labels || []) {
        const lr = l.getBoundingClientRect();
        left = Math.min(left, lr.left); top = Math.min(top, lr.top);
        right = Math.max(right, lr.right); bottom = Math.max(bottom, lr.bottom);
      }
      w = right - left; h = bottom - top;
    }
    if (w < 43.5 || h < 43.5) small.push(describe(el) + ' ' + Math.round(w) + 'x' + Math.round(h));
  }
  return small;
})()`

// overflowJS names the elements that stick out past the right edge.
const overflowJS = `(() => {
  const de = document.documentElement;
  if (de.scrollWidth <= de.clientWidth) return [];
  const out = ['page is ' + de.scrollWidth + ' px wide in a ' + de.clientWidth + ' px viewport'];
  // Only what widens the page itself: content inside a scrolling box
  // (a wide table in .table-wrap) scrolls there, not the page.
  const clipped = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > de.clientWidth + 1 && r.width > 0 && !clipped(el)) {
      let d = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).join('.') : '');
      out.push(d + ' right=' + Math.round(r.right));
      if (out.length > 8) break;
    }
  }
  return out;
})()`

// axeSeriousRulesJS resolves to the enabled axe rules that can report a
// serious or critical violation: a rule's impact is the highest of its
// failing checks', so a rule whose checks are all minor or moderate can
// never fail the page. Skipping those (a third of the rules, about half of
// axe's time) checks exactly what was checked before, for less.
const axeSeriousRulesJS = `Promise.resolve((() => {
  const rank = {minor: 1, moderate: 2, serious: 3, critical: 4};
  const data = axe._audit.data;
  const severe = impact => (rank[impact] || 0) >= rank.serious;
  // As axe's default run: enabled rules without an excluded tag (experimental).
  const excluded = axe._audit.tagExclude || [];
  return axe._audit.rules.filter(r => r.enabled !== false && !r.tags.some(t => excluded.includes(t)) && (
    severe((data.rules[r.id] || {}).impact) ||
    [...r.any, ...r.all, ...r.none].some(c => severe((data.checks[typeof c === 'string' ? c : c.id] || {}).impact))
  )).map(r => r.id);
})())`

// checkPage runs axe-core and the phone-width checks on the current page and
// reports every problem (the test goes on, so one run shows them all).
func checkPage(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	needAxe(t)
	src, _ := axeScript()
	if !eval[bool](t, ctx, `typeof window.axe !== 'undefined'`) {
		eval[chromedp.Void](t, ctx, src)
	}
	raw := eval[[]byte](t, ctx, axeSeriousRulesJS+`.then(rules => axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'rule', values: rules}})).then(r =>
		r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
			id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\s+/g, ' '))
		})))`, chromedp.EvalAwaitPromise)
	var violations []axeViolation
	if err := json.Unmarshal(raw, &violations); err != nil {
		t.Fatalf("axe result: %v: %s", err, raw)
	}
	loc := eval[string](t, ctx, `location.pathname + location.search`)
	for _, v := range violations {
		t.Errorf("%s (%s): axe %s [%s] %s\n    %s", name, loc, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n    "))
	}

	checkNarrowText(t, ctx, name, loc, 1280)
	run(t, ctx, setWidth(phoneWidth))
	overflow := eval[[]string](t, ctx, overflowJS)
	small := eval[[]string](t, ctx, targetsJS)
	checkNarrowText(t, ctx, name, loc, phoneWidth)
	run(t, ctx, resetWidth())
	if len(overflow) > 0 {
		t.Errorf("%s (%s): scrolls sideways at %d px: %s", name, loc, phoneWidth, strings.Join(overflow, "; "))
	}
	if len(small) > 0 {
		t.Errorf("%s (%s): tap targets under 44x44 px at %d px:\n    %s", name, loc, phoneWidth, strings.Join(small, "\n    "))
	}
}

// focusState is what press learns about the focused element after a Tab.
type focusState struct {
	State   string `json:"state"` // none, other or match
	Desc    string `json:"desc"`
	Visible bool   `json:"visible"`
	Kind    string `json:"kind"` // checkbox, radio, navigating or other
}

// focusStart focuses a throwaway element before everything else, so the
// next Tab lands on the page's first focusable element whatever had focus.
func focusStart(t *testing.T, ctx context.Context) {
	t.Helper()
	eval[chromedp.Void](t, ctx, `(() => {
		if (document.activeElement) document.activeElement.blur();
		const s = document.createElement('span');
		s.id = '__e2e_start'; s.tabIndex = -1;
		document.body.prepend(s); s.focus();
	})()`)
}

// focusBefore focuses the last focusable element before the one selJSON
// matches (outside its radio group, which Tab enters only once), so that
// the next Tab should land on it; at the top of the page it falls back to
// focusStart.
func focusBefore(t *testing.T, ctx context.Context, selJSON string) {
	t.Helper()
	found := eval[bool](t, ctx, `(() => {
		const target = document.querySelector(`+selJSON+`);
		const focusable = el => el.tabIndex >= 0 && !el.disabled && !el.closest('[inert]') &&
			el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
		const all = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex], [contenteditable]')];
		const sameGroup = el => target.type === 'radio' && el.type === 'radio' && el.name === target.name && el.form === target.form;
		for (let i = all.indexOf(target) - 1; i >= 0; i--) {
			if (focusable(all[i]) && !sameGroup(all[i])) { all[i].focus(); return document.activeElement === all[i]; }
		}
		return false;
	})()`)
	if !found {
		focusStart(t, ctx)
	}
}

// press reaches sel with Tab from the focusable element before it, checks
// that focus is visible there and activates it with Enter (Space for
// checkboxes and radios). Tabbing from the top of the page every time cost
// a thousand key presses a journey; the whole tab order of the pages people
// use most is walked once by TestA11yKeyboard instead.
// When the element submits a form or follows a link it waits for the next
// page to load, so the caller's next wait sees the new page, not the old one.
func press(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	selJSON, _ := json.Marshal(sel)
	if eval[int](t, ctx, `document.querySelectorAll(`+string(selJSON)+`).length`) == 0 {
		t.Fatalf("press: nothing matches %s%s", sel, saveFailure(t, ctx))
	}
	focusBefore(t, ctx, string(selJSON))
	probe := `(() => {
		const s = document.getElementById('__e2e_start'); if (s) s.remove();
		const a = document.activeElement;
		if (!a || a === document.body || a === document.documentElement) return {state: 'none'};
		let desc = a.tagName.toLowerCase() + (a.id ? '#' + a.id : '') + (a.getAttribute('name') ? '[name=' + a.getAttribute('name') + ']' : '');
		const text = (a.innerText || a.value || '').trim().replace(/\s+/g, ' ').slice(0, 30);
		if (text) desc += ' "' + text + '"';
		if (!a.matches(` + string(selJSON) + `)) {
			// Tab enters a radio group once; the arrow keys move within it.
			const target = document.querySelector(` + string(selJSON) + `);
			if (a.type === 'radio' && target && target.type === 'radio' && a.name === target.name && a.form === target.form) return {state: 'group', desc};
			return {state: 'other', desc};
		}
		const cs = getComputedStyle(a);
		const visible = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || (cs.boxShadow && cs.boxShadow !== 'none');
		let kind = 'other';
		if (a.type === 'checkbox' || a.type === 'radio') kind = a.type;
		else if (a.tagName === 'A' && a.getAttribute('href') && !a.getAttribute('href').startsWith('#') && !a.hasAttribute('download') && !a.target) kind = 'navigating';
		else if ((a.tagName === 'BUTTON' && (a.type || 'submit') === 'submit' && a.form) || (a.tagName === 'INPUT' && ['submit', 'image'].includes(a.type) && a.form)) kind = 'navigating';
		return {state: 'match', desc, visible, kind};
	})()`
	var trail []string
	seen := false
	move := kb.Tab
	for i := 0; i < 400; i++ {
		tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		st, err := chromedp.Run(tctx, func(ctx context.Context, tg *chromedp.Target) (focusState, error) {
			if _, err := chromedp.KeyEvent(move)(ctx, tg); err != nil {
				return focusState{}, err
			}
			return chromedp.Evaluate[focusState](probe)(ctx, tg)
		})
		cancel()
		if err != nil {
			t.Fatalf("press %s: %v%s", sel, err, saveFailure(t, ctx))
		}
		switch st.State {
		case "none":
			if seen {
				// Focus left the page: we went round once without
				// meeting sel, so the keyboard cannot reach it.
				t.Fatalf("press: Tab never reaches %s; focus order: %s%s", sel, strings.Join(trail, " → "), saveFailure(t, ctx))
			}
			continue
		case "other":
			seen = true
			move = kb.Tab
			trail = append(trail, st.Desc)
			continue
		case "group":
			seen = true
			move = kb.ArrowDown
			trail = append(trail, st.Desc)
			continue
		}
		if !st.Visible {
			t.Errorf("press: %s has focus but shows no focus indicator (outline or box-shadow)", st.Desc)
		}
		key := kb.Enter
		if st.Kind == "checkbox" || st.Kind == "radio" {
			key = " "
		}
		if st.Kind != "navigating" {
			run(t, ctx, chromedp.KeyEvent(key))
			return
		}
		eval[chromedp.Void](t, ctx, `window.__e2eMark = true`)
		// The key press itself may wait for the navigation it starts.
		kctx, kcancel := context.WithTimeout(ctx, 30*time.Second)
		_, kerr := chromedp.Run(kctx, chromedp.KeyEvent(key))
		kcancel()
		if kerr != nil {
			t.Fatalf("press %s: %v%s", sel, kerr, saveFailure(t, ctx))
		}
		waitNewPage(t, ctx, st.Desc)
		return
	}
	t.Fatalf("press: %s not reached within 400 Tab presses%s", sel, saveFailure(t, ctx))
}

// waitNewPage waits until the page marked with window.__e2eMark is replaced
// by a loaded new one. A submit that the browser blocks (a required field
// left empty) leaves the old page: the caller's own wait then fails with the
// page to look at.
func waitNewPage(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		tctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		done, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`!window.__e2eMark && document.readyState !== 'loading'`))
		cancel()
		if err == nil && done {
			return
		}
		time.Sleep(30 * time.Millisecond)
	}
	t.Logf("press: %s did not lead to a new page within 10 s", what)
}

// fill focuses the field, clears it and types the text with key events.
// Date and time inputs take keys per segment in an order that depends on
// the locale, so they get their value set directly instead.
func fill(t *testing.T, ctx context.Context, sel, text string) {
	t.Helper()
	selJSON, _ := json.Marshal(sel)
	textJSON, _ := json.Marshal(text)
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS(sel)))
	kind := eval[string](t, ctx, `(() => {
		const el = document.querySelector(`+string(selJSON)+`);
		el.focus();
		if (['date', 'time', 'datetime-local', 'month', 'week', 'color', 'range'].includes(el.type)) {
			el.value = `+string(textJSON)+`;
			el.dispatchEvent(new Event('input', {bubbles: true}));
			el.dispatchEvent(new Event('change', {bubbles: true}));
			return 'set';
		}
		if (el.isContentEditable) { el.textContent = ''; } else { el.value = ''; }
		el.dispatchEvent(new Event('input', {bubbles: true}));
		return 'typed';
	})()`)
	if kind == "typed" && text != "" {
		run(t, ctx, chromedp.KeyEvent(text))
	}
	got := eval[string](t, ctx, `(() => { const el = document.querySelector(`+string(selJSON)+`); return el.isContentEditable ? el.textContent : el.value; })()`)
	if normalizeNewlines(got) != normalizeNewlines(text) {
		t.Fatalf("fill %s: field holds %q, want %q%s", sel, got, text, saveFailure(t, ctx))
	}
}

func normalizeNewlines(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

// choose picks the option with the value in a <select>, as a keyboard user's
// arrow keys would, and fires change.
func choose(t *testing.T, ctx context.Context, sel, value string) {
	t.Helper()
	selJSON, _ := json.Marshal(sel)
	valJSON, _ := json.Marshal(value)
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS(sel)))
	ok := eval[bool](t, ctx, `(() => {
		const el = document.querySelector(`+string(selJSON)+`);
		if (![...el.options].some(o => o.value === `+string(valJSON)+`)) return false;
		el.focus();
		el.value = `+string(valJSON)+`;
		el.dispatchEvent(new Event('input', {bubbles: true}));
		el.dispatchEvent(new Event('change', {bubbles: true}));
		return true;
	})()`)
	if !ok {
		opts := eval[[]string](t, ctx, `[...document.querySelector(`+string(selJSON)+`).options].map(o => o.value + '=' + o.textContent.trim())`)
		t.Fatalf("choose %s: no option %q (have %q)%s", sel, value, opts, saveFailure(t, ctx))
	}
}

// pageText is what the person sees in the main part of the page.
func pageText(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, `document.body.innerText`)
}

// mustSee fails unless every one of the texts is shown on the page.
func mustSee(t *testing.T, ctx context.Context, texts ...string) {
	t.Helper()
	body := pageText(t, ctx)
	for _, s := range texts {
		if !strings.Contains(body, s) {
			loc := eval[string](t, ctx, `location.pathname`)
			t.Fatalf("%s does not show %q; it shows:\n%s%s", loc, s, abbreviate(body, 3000), saveFailure(t, ctx))
		}
	}
}

// The helpers below go beyond the contract; journeys share them.

var (
	catalogOnce sync.Once
	catalog     *i18n.Bundle
	catalogErr  error
)

// tr is the product's own text for key in lang, so assertions follow the
// catalogs when their wording changes but still fail on the wrong language.
func tr(t *testing.T, lang, key string, args ...any) string {
	t.Helper()
	catalogOnce.Do(func() { catalog, catalogErr = i18n.Load() })
	if catalogErr != nil {
		t.Fatal(catalogErr)
	}
	if !catalog.Has(key) {
		t.Fatalf("catalog has no key %s", key)
	}
	return catalog.Locale(lang).T(key, args...)
}

// open loads the path in the person's browser and waits for the element.
func open(t *testing.T, ctx context.Context, s *server, path, waitFor string) {
	t.Helper()
	run(t, ctx, chromedp.Navigate(s.URL+path), chromedp.WaitVisible(chromedp.CSS(waitFor)))
}

// mustNotSee fails if any of the texts is on the page.
func mustNotSee(t *testing.T, ctx context.Context, texts ...string) {
	t.Helper()
	body := eval[string](t, ctx, `document.documentElement.outerHTML`)
	for _, s := range texts {
		if strings.Contains(body, s) {
			loc := eval[string](t, ctx, `location.pathname`)
			t.Errorf("%s shows %q, which it must not", loc, s)
		}
	}
}

// submit presses the form's button and fails if the next page reports a
// problem with what was sent.
func submit(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	press(t, ctx, sel)
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS("main h1")))
	if msg := eval[string](t, ctx, `[...document.querySelectorAll('main [role=alert], main .error')].map(e => e.innerText).join(' | ')`); msg != "" {
		t.Fatalf("%s: the form was refused: %s%s", sel, msg, saveFailure(t, ctx))
	}
}

// htmlLang is the page's declared language.
func htmlLang(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, `document.documentElement.lang`)
}

// TestHarnessSmoke proves the harness end to end: a server, a browser, a login by
// keyboard and the page checks on the home page.
func TestHarnessSmoke(t *testing.T) {
	t.Parallel()
	needAxe(t)
	s := startServer(t)
	s.addUser(t, "kari@example.org", "Kari Koordinator", "coordinator", "a long enough secret")
	b := newBrowser(t)
	login(t, b, s, "kari@example.org", "a long enough secret")
	run(t, b, chromedp.WaitVisible(chromedp.CSS("main h1")))
	mustSee(t, b, "Kari")
	shot(t, b, "home")
	checkPage(t, b, "home")
	// Forms marked data-confirm ask first; the browser says yes.
	if !eval[bool](t, b, `confirm('Sure?')`) {
		t.Error("window.confirm was not accepted")
	}
	logout(t, b, s)
}
