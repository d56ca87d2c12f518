package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// buildBinary gives the command the crash and shutdown tests run as a real
// process they can kill: this test binary itself, which runs main when
// started with asBinaryEnv (see TestMain). Re-running it costs no build,
// and the process is built with the same flags (the race detector too).
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the binary")
	}
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// server is a mentorskap serve process started by a test.
type server struct {
	cmd  *exec.Cmd
	base string
	logs *syncBuffer
	done chan error
}

// binEnv is the environment without any MENTORSKAP_ setting of the caller.
func binEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MENTORSKAP_") {
			env = append(env, kv)
		}
	}
	// Stopping takes no drain delay: no load balancer watches /readyz.
	return append(env, "MENTORSKAP_DRAIN_DELAY=0", asBinaryEnv+"=1")
}

func runBinary(t *testing.T, bin, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = binEnv()
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
	return string(out)
}

// startBinary runs serve on dsn and waits until /healthz answers for dialect.
func startBinary(t *testing.T, bin, dsn string, dialect store.Dialect) *server {
	t.Helper()
	addr := freeAddr(t)
	s := &server{base: "http://" + addr, logs: &syncBuffer{}, done: make(chan error, 1)}
	s.cmd = execServe(bin, "--addr", addr, "--db", dsn)
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		<-s.done
		s.done <- nil
	})
	waitHealthy(t, s)
	if got := s.dialect(t); got != string(dialect) {
		t.Fatalf("serve runs on %q, want %q", got, dialect)
	}
	return s
}

func execServe(bin string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, append([]string{"serve"}, args...)...)
	cmd.Env = binEnv()
	return cmd
}

func (s *server) dialect(t *testing.T) string {
	t.Helper()
	res, err := http.Get(s.base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body map[string]string
	json.NewDecoder(res.Body).Decode(&body)
	return body["database"]
}

// waitHealthy waits until serve answers /healthz with 200.
func waitHealthy(t *testing.T, s *server) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := http.Get(s.base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Fatalf("healthz: %d", res.StatusCode)
			}
			return
		}
		select {
		case err := <-s.done:
			s.done <- err
			t.Fatalf("serve exited (%v) before answering:\n%s", err, s.logs)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not answer:\n%s", s.logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// loginClient logs email in and returns a client that keeps the session and
// does not follow redirects, so a 303 can be seen as the acknowledgement.
func loginClient(t *testing.T, base, email, password string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", res.StatusCode)
	}
	return c
}

func programForm(name string) url.Values {
	start := time.Now().UTC()
	return url.Values{
		"name": {name}, "purpose": {"Written by the crash test."},
		"start": {start.Format("2006-01-02")}, "end": {start.AddDate(0, 6, 0).Format("2006-01-02")},
		"min_meetings": {"4"}, "max_gap_days": {"31"}, "meeting_min_minutes": {"45"}, "meeting_max_minutes": {"120"},
		"default_language": {"en"}, "join_role": {"choose"}, "messages_allowed": {"on"},
	}
}

func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	t.Run("sqlite", func(t *testing.T) {
		crashTest(t, bin, tempDB(t), store.SQLite)
	})
	if dsn := os.Getenv(storetest.EnvPostgres); dsn != "" {
		t.Run("postgres", func(t *testing.T) {
			dsn, drop := storetest.FreshSchema(t, dsn)
			t.Cleanup(drop)
			crashTest(t, bin, dsn, store.Postgres)
		})
	}
}

func crashTest(t *testing.T, bin, dsn string, dialect store.Dialect) {
	const email, password = "crash-admin@example.org", "a crash test password"
	runBinary(t, bin, password+"\n", "user", "add", "--db", dsn, "--email", email, "--name", "Crash Admin", "--role", "admin", "--password-stdin")
	srv := startBinary(t, bin, dsn, dialect)
	client := loginClient(t, srv.base, email, password)

	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				name := fmt.Sprintf("Crash program %d-%d", w, i)
				res, err := client.PostForm(srv.base+"/programs", programForm(name))
				if err != nil {
					return // the server is gone
				}
				res.Body.Close()
				if res.StatusCode != http.StatusSeeOther {
					t.Errorf("%s: status %d", name, res.StatusCode)
					return
				}
				mu.Lock()
				acked = append(acked, name)
				mu.Unlock()
			}
		}()
	}
	// Kill while the writers are busy, after enough writes to matter.
	deadline := time.Now().Add(60 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 100 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := <-srv.done
	srv.done <- err
	wg.Wait()
	close(stop)
	if ws, ok := srv.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("serve was not killed: %v", err)
	}
	if len(acked) < 100 {
		t.Fatalf("only %d writes acknowledged before the kill:\n%s", len(acked), srv.logs)
	}

	// serve must start again on what the crash left behind.
	again := startBinary(t, bin, dsn, dialect)
	loginClient(t, again.base, email, password)

	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stored := map[string]int{}
	rows, err := db.Query(ctx, `SELECT p.name, COUNT(c.user_id) FROM programs p
		LEFT JOIN program_coordinators c ON c.program_id = p.id GROUP BY p.id, p.name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		var coordinators int
		if err := rows.Scan(&name, &coordinators); err != nil {
			t.Fatal(err)
		}
		stored[name] = coordinators
	}
	rows.Close()
	for _, name := range acked {
		if c, ok := stored[name]; !ok {
			t.Errorf("acknowledged write lost: %s", name)
		} else if c != 1 {
			t.Errorf("%s has %d coordinators: half a transaction", name, c)
		}
	}
	t.Logf("%s: %d writes acknowledged, %d programs stored after SIGKILL", dialect, len(acked), len(stored))

	if dialect == store.SQLite {
		var check string
		if err := db.QueryRow(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
			t.Errorf("integrity_check: %q %v", check, err)
		}
		var broken int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM pragma_foreign_key_check`).Scan(&broken); err != nil || broken != 0 {
			t.Errorf("foreign key violations: %d %v", broken, err)
		}
	}
}
