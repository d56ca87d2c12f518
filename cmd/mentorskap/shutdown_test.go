package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"mentorskap/internal/store"
)

// silentSMTP accepts connections and never answers, like a mail server that
// hangs: an email being sent when serve stops is stuck in the middle.
func silentSMTP(t *testing.T) (port int, accepted *atomic.Int32) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted = &atomic.Int32{}
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
			accepted.Add(1)
		}
	}()
	t.Cleanup(func() {
		l.Close()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().(*net.TCPAddr).Port, accepted
}

// On SIGTERM serve finishes a request that is still arriving, refuses new
// ones, exits 0, and hands back emails it had claimed but not delivered.
func TestSIGTERMFinishesRequestsAndReleasesClaims(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	dsn := tempDB(t)
	const password = "a shutdown test password"
	emails := []string{"ada@example.org"}
	for _, e := range emails {
		runBinary(t, bin, password+"\n", "user", "add", "--db", dsn, "--email", e, "--name", "Person "+e[:2], "--role", "admin", "--password-stdin")
	}
	// Emails already waiting when serve starts: the worker claims them all
	// in one batch and hangs on the first.
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const waiting = 5
	for i := range waiting {
		now := time.Now()
		if _, err := db.Exec(ctx, `INSERT INTO outbox (to_email, to_name, language, subject, body, created_at, next_attempt_at)
			VALUES (?, 'Ada', 'en', ?, 'Body', ?, ?)`, emails[0], fmt.Sprintf("Waiting %d", i), now, now); err != nil {
			t.Fatal(err)
		}
	}
	leased := func() (queued, claimed int) {
		t.Helper()
		if err := db.QueryRow(ctx, `SELECT COUNT(*), COUNT(locked_until) FROM outbox WHERE sent_at IS NULL`).Scan(&queued, &claimed); err != nil {
			t.Fatal(err)
		}
		return queued, claimed
	}
	port, accepted := silentSMTP(t)
	addr := freeAddr(t)
	srv := &server{base: "http://" + addr, logs: &syncBuffer{}, done: make(chan error, 1)}
	srv.cmd = execServe(bin, "--addr", addr, "--db", dsn, "--smtp-host", "127.0.0.1", "--smtp-port", fmt.Sprint(port),
		"--smtp-tls", "none", "--smtp-from", "noreply@example.org")
	srv.cmd.Stdout, srv.cmd.Stderr = srv.logs, srv.logs
	if err := srv.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { srv.done <- srv.cmd.Wait() }()
	t.Cleanup(func() { srv.cmd.Process.Kill(); <-srv.done; srv.done <- nil })
	waitHealthy(t, srv)
	client := loginClient(t, srv.base, emails[0], password)

	for deadline := time.Now().Add(10 * time.Second); accepted.Load() == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the worker never tried to send:\n%s", srv.logs)
		}
	}
	if queued, claimed := leased(); queued != waiting || claimed != waiting {
		t.Fatalf("before shutdown %d emails wait, %d claimed; want all %d claimed", queued, claimed, waiting)
	}

	// A slow request: the form body arrives in two parts, SIGTERM between.
	// It is written by hand on a raw connection so that the first part
	// really reaches the server (an http.Client buffers it).
	body := programForm("Finished during shutdown").Encode()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	u, _ := url.Parse(srv.base + "/")
	var cookies []string
	for _, c := range client.Jar.Cookies(u) {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	half := len(body) / 2
	fmt.Fprintf(conn, "POST /programs HTTP/1.1\r\nHost: %s\r\nCookie: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		addr, strings.Join(cookies, "; "), len(body), body[:half])
	type result struct {
		status int
		err    error
	}
	got := make(chan result, 1)
	go func() {
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			got <- result{err: err}
			return
		}
		res.Body.Close()
		got <- result{status: res.StatusCode}
	}()
	time.Sleep(300 * time.Millisecond) // the handler is now waiting for the rest of the body
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(srv.logs.String(), "shutting down"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no shutdown after SIGTERM:\n%s", srv.logs)
		}
	}
	time.Sleep(300 * time.Millisecond)
	if res, err := http.Get(srv.base + "/healthz"); err == nil {
		res.Body.Close()
		t.Error("a new request was accepted during shutdown")
	}
	if _, err := io.WriteString(conn, body[half:]); err != nil {
		t.Fatal(err)
	}
	r := <-got
	if r.err != nil || r.status != http.StatusSeeOther {
		t.Fatalf("request in flight: status %d, %v\n%s", r.status, r.err, srv.logs)
	}

	select {
	case err := <-srv.done:
		srv.done <- err
		if err != nil {
			t.Fatalf("serve exited with %v:\n%s", err, srv.logs)
		}
	case <-time.After(25 * time.Second):
		t.Fatalf("serve did not stop:\n%s", srv.logs)
	}

	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM programs WHERE name = ?`, "Finished during shutdown").Scan(&n); err != nil || n != 1 {
		t.Fatalf("the program saved during shutdown: %d, %v", n, err)
	}
	if queued, claimed := leased(); queued != waiting || claimed != 0 {
		t.Fatalf("after shutdown %d emails wait (want %d), %d of them still claimed by the stopped worker", queued, waiting, claimed)
	}
}
