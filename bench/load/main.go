// Command load puts a mentoring program of 200 people under load through
// mentorskap serve, over HTTP, the way their browsers would: every person
// logs in, then reads pages, saves agendas (mentees) and meeting notes
// (mentors) and books meetings, with no pause between requests, for a fixed
// time. It reports throughput, latency percentiles and errors, and the
// throughput of a bare net/http handler serving a page of the same size on
// the same machine, as a yardstick.
//
// It is a measurement, not a test: run it by hand (see bench/README.md).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/clock"
	"mentorskap/internal/i18n"
	"mentorskap/internal/meeting"
	"mentorskap/internal/notify"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

const password = "load test password 42"

func main() {
	dsn := flag.String("db", "", "database for serve: a SQLite file (created if missing) or a postgres:// URL (required)")
	bin := flag.String("bin", "", "mentorskap binary to start; default: build ./cmd/mentorskap")
	people := flag.Int("people", 200, "participants (half mentors, half mentees, one pair each)")
	duration := flag.Duration("duration", 60*time.Second, "how long to apply load")
	baseline := flag.Duration("baseline", 15*time.Second, "how long to measure the bare net/http handler; 0 skips it")
	instances := flag.Int("instances", 1, "serve processes on the one database; people are split between them")
	confirmed := flag.Bool("confirmed", false, "have the mentors accept the seeded meetings, so that reminders fall due")
	settle := flag.Duration("settle", 0, "after the load, let the mail and job workers run this long before stopping serve")
	fresh := flag.Bool("fresh", false, "with a postgres:// URL: create a new database on that server for this run and drop it afterwards")
	page := flag.String("page", "", "measure one page alone instead of the mix: "+strings.Join(pageNames, ", ")+", or all (each in turn, with its own bare baseline)")
	think := flag.String("think", "", "realistic mode: each person pauses a random time in this range between requests, e.g. 1s-5s")
	login := flag.String("login", "form", "form: everyone logs in through the login form (an Argon2id check each); seeded: sessions are written with the seed, for thousands of people")
	cpuProfile := flag.String("cpuprofile", "", "have serve write a CPU profile of the run to this file")
	rounds := flag.Int("rounds", 1, "mix: split the load and the bare baseline into this many turns, taken in alternation, so that both see the machine in the same minutes")
	flag.Parse()
	if *dsn == "" || *people < 2 || *instances < 1 || *rounds < 1 {
		flag.Usage()
		os.Exit(2)
	}
	cfg := config{dsn: *dsn, bin: *bin, pairs: *people / 2, duration: *duration, baseline: *baseline,
		instances: *instances, confirmed: *confirmed, settle: *settle, page: *page,
		seededLogin: *login == "seeded", cpuProfile: *cpuProfile, rounds: *rounds}
	if *page != "" && *page != "all" && !slices.Contains(pageNames, *page) {
		log.Fatalf("-page: one of %s or all", strings.Join(pageNames, ", "))
	}
	if *login != "form" && *login != "seeded" {
		log.Fatal("-login: form or seeded")
	}
	if *think != "" {
		lo, hi, ok := strings.Cut(*think, "-")
		a, err1 := time.ParseDuration(lo)
		b, err2 := time.ParseDuration(hi)
		if !ok || err1 != nil || err2 != nil || a < 0 || b < a {
			log.Fatal("-think: a range such as 1s-5s")
		}
		cfg.thinkMin, cfg.thinkMax = a, b
	}
	if *fresh {
		if dialectOf(*dsn) != "PostgreSQL" {
			log.Fatal("-fresh needs a postgres:// URL")
		}
		url, drop, err := freshDatabase(*dsn)
		if err != nil {
			log.Fatal(err)
		}
		cfg.dsn = url
		err = run(cfg)
		drop()
		if err != nil {
			log.Fatal(err)
		}
		return
	}
	if err := run(cfg); err != nil {
		log.Fatal(err)
	}
}

// config is one run's settings, from the flags.
type config struct {
	dsn, bin           string
	pairs, instances   int
	duration, baseline time.Duration
	settle             time.Duration
	confirmed          bool
	page               string        // one page alone (see pageNames), "all", or "" for the mix
	thinkMin, thinkMax time.Duration // pause between one person's requests; 0 for none
	seededLogin        bool
	cpuProfile         string
	rounds             int // turns of load and baseline, in alternation
}

// person is one simulated browser.
type person struct {
	userID  int64
	session string // with -login seeded: the session the seed wrote
	email   string
	mentee  bool
	pairID  int64
	meeting int64 // the meeting whose agenda and notes they keep saving
	client  *http.Client
	base    string // the serve instance this person's browser talks to
}

func run(cfg config) error {
	dsn, bin, duration, baseline := cfg.dsn, cfg.bin, cfg.duration, cfg.baseline
	ctx := context.Background()
	if bin == "" {
		dir, err := os.MkdirTemp("", "mentorskap-load")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		bin = filepath.Join(dir, "mentorskap")
		log.Printf("building %s", bin)
		if out, err := exec.Command("go", "build", "-o", bin, "./cmd/mentorskap").CombinedOutput(); err != nil {
			return fmt.Errorf("go build (run from the repository root): %v\n%s", err, out)
		}
	}

	log.Printf("creating a program with %d pairs", cfg.pairs)
	start := time.Now()
	people, err := seed(ctx, dsn, cfg.pairs, cfg.confirmed, cfg.seededLogin)
	if err != nil {
		return err
	}
	log.Printf("seeded in %s", time.Since(start).Round(time.Millisecond))

	// Several instances share the database as they would behind a load
	// balancer; each person keeps to one of them, as a sticky balancer
	// would do (sessions live in the database, so any instance would do).
	var servers []*exec.Cmd
	var logs []string
	stopped := false
	stopAll := func() {
		if stopped {
			return
		}
		stopped = true
		for _, srv := range servers {
			srv.Process.Signal(os.Interrupt)
		}
		for _, srv := range servers {
			srv.Wait()
		}
	}
	defer stopAll()
	var bases []string
	for i := range cfg.instances {
		addr, err := freeAddr()
		if err != nil {
			return err
		}
		args := []string{"serve", "--addr", addr, "--db", dsn}
		if cfg.cpuProfile != "" && i == 0 {
			args = append(args, "--cpuprofile", cfg.cpuProfile)
		}
		srv := exec.Command(bin, args...)
		srv.Env = append(os.Environ(), "MENTORSKAP_SMTP_HOST=")
		logFile, err := os.CreateTemp("", fmt.Sprintf("mentorskap-load-%d-*.log", i+1))
		if err != nil {
			return err
		}
		defer logFile.Close()
		srv.Stdout, srv.Stderr = logFile, logFile
		if err := srv.Start(); err != nil {
			return err
		}
		servers = append(servers, srv)
		logs = append(logs, logFile.Name())
		base := "http://" + addr
		if err := waitUp(base); err != nil {
			return fmt.Errorf("%w (serve log: %s)", err, logFile.Name())
		}
		bases = append(bases, base)
	}
	for i, p := range people {
		// Both people of a pair on different instances when there are
		// two, so that one's writes are the other's reads elsewhere.
		p.base = bases[i%len(bases)]
	}

	transport := &http.Transport{MaxIdleConns: 1000, MaxIdleConnsPerHost: 1000, IdleConnTimeout: time.Minute}
	log.Printf("logging in %d people", len(people))
	if err := loginAll(transport, people, cfg.seededLogin); err != nil {
		return err
	}

	where := dialectOf(dsn)
	if cfg.instances > 1 {
		where = fmt.Sprintf("%s, %d instances", where, cfg.instances)
	}
	if cfg.page == "all" {
		return allPages(cfg, transport, people, servers[0].Process.Pid, where)
	}
	do := func(p *person, rng *rand.Rand, rec *recorder) { step(p.base, p, rng, rec) }
	title := "mentorskap serve (" + where + ")"
	if cfg.page != "" {
		do = func(p *person, _ *rand.Rand, rec *recorder) { rec.get(p.client, cfg.page, pageURL(p, cfg.page)) }
		title = fmt.Sprintf("mentorskap serve (%s), page %q alone", where, cfg.page)
	}
	if cfg.thinkMax > 0 {
		title += fmt.Sprintf(", pauses %s-%s", cfg.thinkMin, cfg.thinkMax)
		baseline = 0 // a yardstick for a saturated server, not for people pausing
	}
	rounds := cfg.rounds
	if baseline <= 0 || cfg.instances > 1 {
		rounds = 1
	}
	log.Printf("load for %s against serve on %s", duration, where)
	use := measureProcess(servers[0].Process.Pid)
	app, bare := newRecorder(), newRecorder()
	for i := range rounds {
		if rounds > 1 {
			log.Printf("turn %d of %d: serve for %s, then the bare handler for %s", i+1, rounds, duration/time.Duration(rounds), baseline/time.Duration(rounds))
		}
		driveInto(app, people, duration/time.Duration(rounds), cfg.thinkMin, cfg.thinkMax, do)
		if i < rounds-1 {
			if err := bareBaseline(bare, transport, len(people), app.meanPage(), baseline/time.Duration(rounds)); err != nil {
				return err
			}
		}
	}
	app.print(title)
	use.print(servers[0].Process.Pid, app.total(), cfg.instances)
	if cfg.settle > 0 {
		log.Printf("letting the workers run for %s", cfg.settle)
		time.Sleep(cfg.settle)
	}
	if cfg.instances > 1 {
		stopAll()
		if err := checkOnce(ctx, dsn, logs); err != nil {
			return err
		}
	}
	if baseline <= 0 {
		if app.errors() > 0 {
			return fmt.Errorf("%d errors (serve logs: %s)", app.errors(), strings.Join(logs, ", "))
		}
		return nil
	}

	size := app.meanPage()
	log.Printf("bare net/http handler serving %d bytes for %s", size, baseline/time.Duration(rounds))
	if err := bareBaseline(bare, transport, len(people), size, baseline/time.Duration(rounds)); err != nil {
		return err
	}
	bare.print("bare net/http")
	appRate, bareRate := app.rate(), bare.rate()
	fmt.Printf("\nratio: mentorskap serves %.1f%% of the bare handler's requests per second (%.0f vs %.0f)\n",
		100*appRate/bareRate, appRate, bareRate)
	if app.errors() > 0 {
		return fmt.Errorf("%d errors (serve logs: %s)", app.errors(), strings.Join(logs, ", "))
	}
	return nil
}

func dialectOf(dsn string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return "PostgreSQL"
	}
	return "SQLite"
}

// seed creates a coordinator, a program, the participants, one pair per
// mentor and one proposed meeting per pair, through the domain services as
// the web pages would. Emails are made unique per run so that a database
// can be reused.
func seed(ctx context.Context, dsn string, pairs int, confirmed, sessions bool) ([]*person, error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	bundle, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	clk := clock.System{}
	outbox := &notify.Outbox{Bundle: bundle, BaseURL: "http://localhost"}
	programs := &program.Service{DB: db, Clock: clk, Outbox: outbox}
	meetings := &meeting.Service{DB: db, Clock: clk, Outbox: outbox}
	run := time.Now().Format("20060102150405")
	mk := func(email, name, role string) (*account.User, error) {
		var u *account.User
		err := db.Tx(ctx, func(tx *store.Tx) (err error) {
			u, err = account.CreateUser(ctx, tx, clk.Now(), account.NewUser{Email: email, Name: name, Password: password,
				Role: role, Language: "nb", Timezone: "Europe/Oslo"})
			return err
		})
		return u, err
	}
	coord, err := mk("load-coord-"+run+"@example.org", "Koordinator Last", account.RoleCoordinator)
	if err != nil {
		return nil, err
	}
	// Everyone has the same password, so the participants share the
	// coordinator's Argon2id hash (salt included) instead of each costing
	// a hash at full strength: thousands of people seed in seconds.
	var hash string
	if err := db.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = ?`, coord.ID).Scan(&hash); err != nil {
		return nil, err
	}
	mk = func(email, name, role string) (*account.User, error) {
		u := &account.User{Email: email, Name: name, Role: role}
		err := db.Tx(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `INSERT INTO users (email, name, password_hash, role, language, timezone, created_at)
				VALUES (?, ?, ?, ?, 'nb', 'Europe/Oslo', ?) RETURNING id`, email, name, hash, role, clk.Now()).Scan(&u.ID)
		})
		return u, err
	}
	in := program.SettingsOf(program.Defaults(clk.Now(), "nb"))
	in.Name = "Lasttest " + run
	prog, err := programs.Create(ctx, coord, in)
	if err != nil {
		return nil, err
	}
	var out []*person
	tomorrow := clk.Now().AddDate(0, 0, 1).Format("2006-01-02")
	for i := range pairs {
		mentor, err := mk(fmt.Sprintf("load-%s-mentor%d@example.org", run, i), fmt.Sprintf("Mentor %d", i), account.RoleMember)
		if err != nil {
			return nil, err
		}
		mentee, err := mk(fmt.Sprintf("load-%s-mentee%d@example.org", run, i), fmt.Sprintf("Mentee %d", i), account.RoleMember)
		if err != nil {
			return nil, err
		}
		now := clk.Now()
		for _, p := range []struct {
			id   int64
			role string
		}{{mentor.ID, "mentor"}, {mentee.ID, "mentee"}} {
			// Enrolment and approval have their own pages and tests; here
			// they are only the way to get approved participants.
			if _, err := db.Exec(ctx, `INSERT INTO participants (program_id, user_id, role, status, capacity, created_at, updated_at)
				VALUES (?, ?, ?, 'approved', 1, ?, ?)`, prog.ID, p.id, p.role, now, now); err != nil {
				return nil, err
			}
		}
		pair, err := programs.CreatePair(ctx, coord, prog.ID, []int64{mentor.ID}, []int64{mentee.ID})
		if err != nil {
			return nil, err
		}
		m, err := meetings.Propose(ctx, mentee, pair.ID, meeting.Proposal{Date: tomorrow, Time: "10:00",
			Timezone: "Europe/Oslo", Minutes: 60, Place: "Biblioteket"})
		if err != nil {
			return nil, err
		}
		if confirmed {
			if _, err := meetings.Accept(ctx, mentor, pair.ID, m.ID, -1); err != nil {
				return nil, err
			}
		}
		out = append(out, &person{userID: mentor.ID, email: mentor.Email, pairID: pair.ID, meeting: m.ID},
			&person{userID: mentee.ID, email: mentee.Email, mentee: true, pairID: pair.ID, meeting: m.ID})
	}
	if sessions {
		for _, p := range out {
			if p.session, err = account.CreateSession(ctx, db, clk.Now(), p.userID, account.SignIn{Method: account.MethodPassword}); err != nil {
				return nil, err
			}
		}
	}
	// A database just filled in bulk has no statistics until autovacuum's
	// next round; the load measures the steady state, so gather them now.
	if db.Dialect() == store.Postgres {
		if _, err := db.Exec(ctx, `ANALYZE`); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func waitUp(base string) error {
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if res, err := http.Get(base + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return errors.New("serve did not come up")
}

// loginAll logs everyone in, a few at a time: each login costs an Argon2id
// verification on purpose.
func loginAll(transport http.RoundTripper, people []*person, seeded bool) error {
	var wg sync.WaitGroup
	errc := make(chan error, len(people))
	sem := make(chan struct{}, 4)
	for _, p := range people {
		jar, _ := cookiejar.New(nil)
		p.client = &http.Client{Transport: transport, Jar: jar, Timeout: 60 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		if seeded {
			u, _ := url.Parse(p.base + "/")
			jar.SetCookies(u, []*http.Cookie{{Name: "mentorskap_session", Value: p.session, Path: "/"}})
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			res, err := p.client.PostForm(p.base+"/login", url.Values{"email": {p.email}, "password": {password}})
			if err != nil {
				errc <- err
				return
			}
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther {
				errc <- fmt.Errorf("login %s: %d", p.email, res.StatusCode)
			}
		}()
	}
	wg.Wait()
	close(errc)
	return <-errc
}

var versionField = regexp.MustCompile(`name="version" value="(\d+)"`)

// step is one thing a person does: mostly reading, sometimes writing.
func step(base string, p *person, rng *rand.Rand, rec *recorder) {
	pair := fmt.Sprintf("%s/pairs/%d", base, p.pairID)
	doc := fmt.Sprintf("%s/meetings/%d/notes", pair, p.meeting)
	if p.mentee {
		doc = fmt.Sprintf("%s/meetings/%d/agenda", pair, p.meeting)
	}
	switch n := rng.IntN(100); {
	case n < 20:
		rec.get(p.client, "read home", base+"/")
	case n < 40:
		rec.get(p.client, "read pair home", pair)
	case n < 60:
		rec.get(p.client, "read meetings", pair+"/meetings")
	case n < 90:
		// Open the form, then save it with the version it showed, as a
		// browser does; each person only edits their own side's document,
		// so a stale version would be a real error.
		// Notes already written show as text until "edit" is asked for.
		body := rec.get(p.client, "open agenda/notes", doc+"?edit=1")
		var m []string
		form := `action="` + strings.TrimPrefix(doc, base) + `"`
		if p.mentee {
			form = `<form method="post" class="agenda-editor"` // the agenda form posts back to its own address
		}
		if i := strings.Index(body, form); i >= 0 {
			m = versionField.FindStringSubmatch(body[i:])
		}
		if m == nil {
			rec.fail("open agenda/notes", errors.New("no version in the form"))
			return
		}
		text := fmt.Sprintf("Skrevet under last %d", rng.IntN(1_000_000))
		save := url.Values{"version": {m[1]}}
		if p.mentee {
			save.Set("rows", "1")
			save.Set("order_0", "1")
			save.Set("source_0", "own")
			save.Set("title_0", "Tema for møtet")
			save.Set("text_0", text)
			rec.post(p.client, "save agenda", doc, save)
		} else {
			save.Set("since_last", text)
			save.Set("today", "Jobbsøknader og nettverk")
			save.Set("time_minutes", "60")
			rec.post(p.client, "save notes", doc, save)
		}
	default:
		day := time.Now().AddDate(0, 0, 2+rng.IntN(60)).Format("2006-01-02")
		rec.post(p.client, "book meeting", pair+"/meetings", url.Values{"date": {day}, "time": {"14:30"},
			"timezone": {"Europe/Oslo"}, "minutes": {"60"}, "place": {"Kantina"}})
	}
}

// recorder collects latencies per kind of request.
type recorder struct {
	mu       sync.Mutex
	lat      map[string][]time.Duration
	errs     map[string]int
	examples []string
	elapsed  time.Duration // the turns' time, each until its last answer
	pageSize atomic.Int64
	pages    atomic.Int64
}

func newRecorder() *recorder {
	return &recorder{lat: map[string][]time.Duration{}, errs: map[string]int{}}
}

func (r *recorder) record(kind string, d time.Duration) {
	r.mu.Lock()
	r.lat[kind] = append(r.lat[kind], d)
	r.mu.Unlock()
}

func (r *recorder) fail(kind string, err error) {
	r.mu.Lock()
	r.errs[kind]++
	if len(r.examples) < 5 {
		r.examples = append(r.examples, kind+": "+err.Error())
	}
	r.mu.Unlock()
}

func (r *recorder) get(c *http.Client, kind, u string) string {
	t := time.Now()
	res, err := c.Get(u)
	if err != nil {
		r.fail(kind, err)
		return ""
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	d := time.Since(t)
	if err != nil || res.StatusCode != http.StatusOK {
		r.fail(kind, fmt.Errorf("GET %s: %d %v", u, res.StatusCode, err))
		return ""
	}
	r.record(kind, d)
	r.pageSize.Add(int64(len(b)))
	r.pages.Add(1)
	return string(b)
}

func (r *recorder) post(c *http.Client, kind, u string, form url.Values) {
	t := time.Now()
	res, err := c.PostForm(u, form)
	if err != nil {
		r.fail(kind, err)
		return
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	d := time.Since(t)
	if res.StatusCode != http.StatusSeeOther {
		msg := string(b)
		if i := strings.Index(msg, `role="alert"`); i >= 0 {
			msg = msg[i:min(len(msg), i+300)]
		} else {
			msg = msg[:min(len(msg), 200)]
		}
		r.fail(kind, fmt.Errorf("POST %s: %d %s", u, res.StatusCode, msg))
		return
	}
	r.record(kind, d)
}

func (r *recorder) total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, l := range r.lat {
		n += len(l)
	}
	for _, e := range r.errs {
		n += e
	}
	return n
}

func (r *recorder) errors() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, e := range r.errs {
		n += e
	}
	return n
}

func (r *recorder) meanPage() int {
	if r.pages.Load() == 0 {
		return 10_000
	}
	return int(r.pageSize.Load() / r.pages.Load())
}

func pct(l []time.Duration, p float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	return l[min(len(l)-1, int(float64(len(l))*p))]
}

// rate is requests answered per second of the time they were asked in.
func (r *recorder) rate() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.total()) / r.elapsed.Seconds()
}

func (r *recorder) print(title string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var all []time.Duration
	kinds := make([]string, 0, len(r.lat))
	for k, l := range r.lat {
		slices.Sort(l)
		all = append(all, l...)
		kinds = append(kinds, k)
	}
	slices.Sort(all)
	slices.Sort(kinds)
	errors := 0
	for _, e := range r.errs {
		errors += e
	}
	fmt.Printf("\n%s: %d requests in %s = %.0f req/s, p50 %s, p99 %s, errors %d\n", title, len(all)+errors, r.elapsed.Round(time.Millisecond),
		float64(len(all)+errors)/r.elapsed.Seconds(), pct(all, 0.50).Round(10*time.Microsecond), pct(all, 0.99).Round(10*time.Microsecond), errors)
	for _, k := range kinds {
		l := r.lat[k]
		fmt.Printf("  %-18s %7d  p50 %9s  p99 %9s  errors %d\n", k, len(l), pct(l, 0.50).Round(10*time.Microsecond), pct(l, 0.99).Round(10*time.Microsecond), r.errs[k])
	}
	for _, e := range r.examples {
		fmt.Println("  error:", e)
	}
}

// drive runs every person's loop until duration has passed. With a think
// range each person pauses a random time within it between requests, and
// starts at a random moment within the first pause, so that they do not
// all arrive together.
func drive(people []*person, duration, thinkMin, thinkMax time.Duration, do func(*person, *rand.Rand, *recorder)) *recorder {
	rec := newRecorder()
	driveInto(rec, people, duration, thinkMin, thinkMax, do)
	return rec
}

// driveInto is drive recording into rec, which may hold earlier turns.
func driveInto(rec *recorder, people []*person, duration, thinkMin, thinkMax time.Duration, do func(*person, *rand.Rand, *recorder)) {
	start := time.Now()
	deadline := start.Add(duration)
	// The time counted runs until the last request in flight at the
	// deadline has its answer, so that the rates do not count those
	// answers in time that is not counted.
	defer func() { rec.elapsed += time.Since(start) }()
	var wg sync.WaitGroup
	for i, p := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 42))
			pause := func(lo time.Duration) {
				if thinkMax > 0 {
					time.Sleep(lo + time.Duration(rng.Int64N(int64(thinkMax-lo)+1)))
				}
			}
			pause(0)
			for time.Now().Before(deadline) {
				do(p, rng, rec)
				pause(thinkMin)
			}
		}()
	}
	wg.Wait()
}

// bareBaseline measures, into rec, a handler that only writes a fixed page
// of size bytes, with the same number of clients and the same transport.
func bareBaseline(rec *recorder, transport http.RoundTripper, clients, size int, d time.Duration) error {
	page := []byte(strings.Repeat("<p>mentorskap</p>\n", size/18+1)[:size])
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	})}
	go srv.Serve(l)
	defer srv.Close()
	u := "http://" + l.Addr().String() + "/"
	people := make([]*person, clients)
	for i := range people {
		people[i] = &person{client: &http.Client{Transport: transport}}
	}
	driveInto(rec, people, d, 0, 0, func(p *person, _ *rand.Rand, rec *recorder) { rec.get(p.client, "bare page", u) })
	return nil
}
