package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// On shutdown /readyz answers 503 while the server still serves, and the
// server stops only once the drain is over. The drain's end is a channel
// the test closes, so nothing here depends on how long anything takes.
func TestShutdownDrainsReadinessFirst(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	app, err := openApp(context.Background(), tempDB(t), "", ":0", log)
	if err != nil {
		t.Fatal(err)
	}
	defer app.db.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: app.web}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	base := "http://" + l.Addr().String()
	get := func(path string) (int, error) {
		res, err := http.Get(base + path)
		if err != nil {
			return 0, err
		}
		res.Body.Close()
		return res.StatusCode, nil
	}
	if code, err := get("/readyz"); err != nil || code != http.StatusOK {
		t.Fatalf("readyz before shutdown: %d, %v", code, err)
	}

	drained := make(chan struct{})
	stopped := make(chan error, 1)
	go func() { stopped <- stopServing(app.web, drained, log, srv) }()
	for {
		code, err := get("/readyz")
		if err != nil {
			t.Fatalf("readyz during the drain: %v", err)
		}
		if code == http.StatusServiceUnavailable {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	select {
	case err := <-stopped:
		t.Fatalf("shut down before the drain was over: %v", err)
	default:
	}
	if code, err := get("/healthz"); err != nil || code != http.StatusOK {
		t.Fatalf("a request during the drain: %d, %v", code, err)
	}

	close(drained)
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if err := <-served; err != http.ErrServerClosed {
		t.Fatalf("Serve returned %v", err)
	}
	if _, err := get("/healthz"); err == nil {
		t.Fatal("still answering after shutdown")
	}
}

// serve with --log-format json writes one JSON object a line, and with
// --metrics-addr serves /metrics there and not on the main address.
func TestServeMetricsAddrAndJSONLogs(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	metricsAddr := freeAddr(t)
	base, done, logs := startServe(t, ctx, serve, "--log-format", "json", "--metrics-addr", metricsAddr)
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("/metrics on the main address without a token: %d", res.StatusCode)
	}
	var text []byte
	for {
		// The metrics listener starts beside the main one; it may
		// not be up yet when the main one answers.
		res, err := http.Get("http://" + metricsAddr + "/metrics")
		if err == nil {
			text, _ = io.ReadAll(res.Body)
			res.Body.Close()
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(string(text), `mentorskap_http_requests_total{method="GET",route="GET /healthz",status="200"}`) {
		t.Fatalf("metrics lack the health checks startServe made:\n%s", text)
	}
	cancel()
	waitExit(t, done, logs)
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	lines := 0
	for sc.Scan() {
		var v map[string]any
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("not a JSON line: %v\n%s", err, sc.Text())
		}
		lines++
	}
	if lines == 0 {
		t.Fatal("no log lines")
	}
}

func TestServeRefusesBadOpsFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"--log-format", "xml"},
		{"--drain-delay", "-1s"},
	} {
		var stderr strings.Builder
		if code := serve(context.Background(), append([]string{"--db", tempDB(t)}, args...), io.Discard, &stderr); code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", args, code, stderr.String())
		}
	}
}
