package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// syncBuffer is a log destination the server goroutine and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// freeAddr finds a loopback port nobody listens on. Listening on :0 inside
// serve would not tell the test which port it got.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// startServe runs serve in the background and waits until /healthz answers.
// It returns the base URL and a channel with serve's exit code.
func startServe(t *testing.T, ctx context.Context, start func(ctx context.Context, args []string, stdout, stderr io.Writer) int, extra ...string) (string, <-chan int, *syncBuffer) {
	t.Helper()
	addr := freeAddr(t)
	logs := &syncBuffer{}
	// No drain delay: these tests stop serve without a load balancer.
	args := append([]string{"--addr", addr, "--db", tempDB(t), "--drain-delay", "0"}, extra...)
	done := make(chan int, 1)
	go func() { done <- start(ctx, args, io.Discard, logs) }()
	base := "http://" + addr
	// Generous: under the race detector on a busy machine, serve can take
	// many seconds to listen (longer still on a database to migrate).
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			var body map[string]string
			json.NewDecoder(res.Body).Decode(&body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || body["status"] != "ok" || body["database"] != "sqlite" {
				t.Fatalf("healthz: %d %v", res.StatusCode, body)
			}
			return base, done, logs
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d before answering:\n%s", code, logs)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not answer on %s:\n%s", addr, logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func waitExit(t *testing.T, done <-chan int, logs *syncBuffer) {
	t.Helper()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited with %d:\n%s", code, logs)
		}
	case <-time.After(25 * time.Second):
		t.Fatalf("serve did not shut down:\n%s", logs)
	}
	if !strings.Contains(logs.String(), "shutting down") {
		t.Errorf("no graceful shutdown in the log:\n%s", logs)
	}
}

func TestServeStopsOnContextCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, done, logs := startServe(t, ctx, serve)
	if !strings.Contains(logs.String(), "no SMTP server configured") {
		t.Errorf("mail mode not logged:\n%s", logs)
	}
	cancel()
	waitExit(t, done, logs)
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("still answering after shutdown")
	}
}

// TestServeStopsOnSIGTERM signals the whole test process, so it runs
// before the parallel tests start, while no other serve is running.
func TestServeStopsOnSIGTERM(t *testing.T) {
	_, done, logs := startServe(t, context.Background(), func(_ context.Context, args []string, stdout, stderr io.Writer) int {
		return runServe(args, stdout, stderr)
	})
	// serve catches SIGTERM with signal.NotifyContext before it listens, so
	// by now the signal ends serve instead of the test process.
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitExit(t, done, logs)
}

func TestServeRefusesBadMailSettings(t *testing.T) {
	for _, args := range [][]string{
		{"--smtp-host", "mail.example.org", "--smtp-from", "noreply@example.org", "--smtp-tls", "ssl"},
		{"--smtp-host", "mail.example.org"},
	} {
		var errb bytes.Buffer
		code := serve(context.Background(), append(args, "--db", tempDB(t), "--addr", freeAddr(t)), io.Discard, &errb)
		if code != 2 || !strings.Contains(errb.String(), "smtp:") {
			t.Errorf("%v: exit %d, %q", args, code, errb.String())
		}
	}
	t.Setenv("MENTORSKAP_SMTP_PORT", "twenty-five")
	var errb bytes.Buffer
	if code := serve(context.Background(), []string{"--db", tempDB(t)}, io.Discard, &errb); code != 2 || !strings.Contains(errb.String(), "MENTORSKAP_SMTP_PORT") {
		t.Errorf("bad port: exit %d, %q", code, errb.String())
	}
}

// mailbox is a minimal SMTP server for the end-to-end test.
type mailbox struct {
	mu  sync.Mutex
	got []string
	to  []string
}

func (m *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailboxSession{m: m}, nil }

type mailboxSession struct {
	m  *mailbox
	to string
}

func (s *mailboxSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailboxSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = to
	return nil
}
func (s *mailboxSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.m.mu.Lock()
	s.m.got = append(s.m.got, string(b))
	s.m.to = append(s.m.to, s.to)
	s.m.mu.Unlock()
	return err
}
func (s *mailboxSession) Reset()        {}
func (s *mailboxSession) Logout() error { return nil }

// An email queued by a request goes out over SMTP at once: the outbox wakes
// the worker rather than waiting for its 30-second poll.
func TestServeDeliversMailOverSMTP(t *testing.T) {
	box := &mailbox{}
	srv := smtp.NewServer(box)
	srv.Domain = "localhost"
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	defer srv.Close()
	port := l.Addr().(*net.TCPAddr).Port

	dbPath := tempDB(t)
	if code, _, errOut := runCLI(t, "a long enough secret\n", "user", "add", "--db", dbPath,
		"--email", "sara@example.se", "--name", "Sara", "--role", "coordinator", "--lang", "sv", "--password-stdin"); code != 0 {
		t.Fatal(errOut)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	t.Setenv("MENTORSKAP_SMTP_PORT", fmt.Sprint(port))
	base, done, logs := startServe(t, ctx, func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		// Same database as user add: replace the fresh one startServe picked.
		for i := range args {
			if args[i] == "--db" {
				args[i+1] = dbPath
			}
		}
		return serve(ctx, args, stdout, stderr)
	}, "--smtp-host", "127.0.0.1", "--smtp-tls", "none", "--smtp-from", "Mentorskap <noreply@example.org>")

	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.PostForm(base+"/forgot", url.Values{"email": {"sara@example.se"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("forgot: %d", res.StatusCode)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		box.mu.Lock()
		n := len(box.got)
		box.mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no email arrived:\n%s", logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	box.mu.Lock()
	msg, to := box.got[0], box.to[0]
	box.mu.Unlock()
	if to != "sara@example.se" || !strings.Contains(msg, "Content-Language: sv") || !strings.Contains(msg, "/reset/") {
		t.Fatalf("email to %s:\n%s", to, msg)
	}
	cancel()
	waitExit(t, done, logs)
}

// Without an SMTP server the log lists each email without its text (which
// holds a working reset link here) unless --log-mail-bodies asks for it.
func TestServeLogsMailBodiesOnlyWhenAsked(t *testing.T) {
	t.Setenv("MENTORSKAP_LOG_MAIL_BODIES", "")
	for _, bodies := range []bool{false, true} {
		db := tempDB(t)
		if code := runUser([]string{"add", "--db", db, "--email", "ana@example.org", "--name", "Ana", "--role", "coordinator", "--password-stdin"},
			strings.NewReader("a-long-enough-password\n"), io.Discard, io.Discard); code != 0 {
			t.Fatalf("user add: exit %d", code)
		}
		extra := []string{"--db", db}
		if bodies {
			extra = append(extra, "--log-mail-bodies")
		}
		ctx, cancel := context.WithCancel(context.Background())
		base, done, logs := startServe(t, ctx, serve, extra...)
		res, err := http.PostForm(base+"/forgot", url.Values{"email": {"ana@example.org"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		for !strings.Contains(logs.String(), "email (SMTP not configured)") {
			select {
			case code := <-done:
				t.Fatalf("serve exited with %d:\n%s", code, logs)
			case <-time.After(20 * time.Millisecond):
			}
		}
		cancel()
		waitExit(t, done, logs)
		if got := strings.Contains(logs.String(), "/reset/"); got != bodies {
			t.Fatalf("--log-mail-bodies=%v: reset link in the log %v:\n%s", bodies, got, logs)
		}
		if !strings.Contains(logs.String(), "to=ana@example.org") {
			t.Fatalf("the envelope is not logged:\n%s", logs)
		}
	}
}
