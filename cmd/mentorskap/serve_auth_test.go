package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The session lifetimes and the hashing budget are checked at start and
// reach the server: the gate's size is logged and the session cookie lives
// as long as --session-lifetime says.
func TestServeSessionAndHashingSettings(t *testing.T) {
	for _, k := range []string{"MENTORSKAP_SESSION_IDLE", "MENTORSKAP_SESSION_LIFETIME", "MENTORSKAP_HASH_MEMORY"} {
		t.Setenv(k, "")
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--session-idle", "0s"}, "--session-idle"},
		{[]string{"--session-idle", "48h", "--session-lifetime", "24h"}, "--session-lifetime"},
		{[]string{"--hash-memory", "5"}, "--hash-memory"},
	} {
		var errb bytes.Buffer
		if code := serve(context.Background(), append(c.args, "--db", tempDB(t)), io.Discard, &errb); code != 2 || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%v: exit %d, %q", c.args, code, errb.String())
		}
	}
	t.Setenv("MENTORSKAP_SESSION_IDLE", "soon")
	var errb bytes.Buffer
	if code := serve(context.Background(), []string{"--db", tempDB(t)}, io.Discard, &errb); code != 2 || !strings.Contains(errb.String(), "MENTORSKAP_SESSION_IDLE") {
		t.Errorf("bad idle timeout in the environment: exit %d, %q", code, errb.String())
	}
	t.Setenv("MENTORSKAP_SESSION_IDLE", "")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, done, logs := startServe(t, ctx, serve, "--hash-memory", "57", "--session-idle", "1h", "--session-lifetime", "2h")
	if !strings.Contains(logs.String(), "at_once=3") {
		t.Errorf("hashing gate not sized from --hash-memory:\n%s", logs)
	}
	res, err := http.PostForm(base+"/setup", url.Values{"email": {"admin@example.org"}, "name": {"Admin"},
		"password": {"long-enough-password"}, "timezone": {"UTC"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	found := false
	for _, ck := range res.Request.Response.Cookies() {
		found = found || ck.Name == "mentorskap_session" && ck.MaxAge == 7200
	}
	if !found {
		t.Errorf("session cookie does not follow --session-lifetime: %v", res.Request.Response.Header["Set-Cookie"])
	}
	cancel()
	waitExit(t, done, logs)
}
