package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/api"
	"mentorskap/internal/httpx"
	"mentorskap/internal/store"
)

// apiSend sends body as JSON (a string is sent as it is, to test malformed
// input).
func (c *client) apiSend(method, path string, body any) *response {
	c.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	ct := ""
	if r != nil {
		ct = "application/json"
	}
	return c.send(method, path, ct, r)
}

// apiDecode checks the status and a JSON content type and decodes the body.
func apiDecode[T any](t *testing.T, res *response, status int) T {
	t.Helper()
	res.mustStatus(t, status)
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("content type %q, want application/json:\n%s", ct, res.Body)
	}
	var v T
	if err := json.Unmarshal([]byte(res.Body), &v); err != nil {
		t.Fatalf("decode %T: %v\n%s", v, err, res.Body)
	}
	return v
}

type problemDoc struct {
	Type   string            `json:"type"`
	Title  string            `json:"title"`
	Status int               `json:"status"`
	Detail string            `json:"detail"`
	Errors map[string]string `json:"errors"`
}

// mustProblem checks that the answer is an RFC 9457 problem document with
// the given status and a detail.
func mustProblem(t *testing.T, res *response, status int) problemDoc {
	t.Helper()
	res.mustStatus(t, status)
	if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q, want application/problem+json:\n%s", ct, res.Body)
	}
	var p problemDoc
	if err := json.Unmarshal([]byte(res.Body), &p); err != nil {
		t.Fatalf("decode problem: %v\n%s", err, res.Body)
	}
	if p.Status != status || p.Type == "" || p.Title == "" || p.Detail == "" {
		t.Fatalf("incomplete problem document: %+v", p)
	}
	return p
}

// apiToken creates a token through the API and returns a client that sends
// it, with no cookies.
func (a *testApp) apiClient(email string) *client {
	a.t.Helper()
	c := a.client()
	res := c.apiSend("POST", "/api/v1/tokens", map[string]string{"email": email, "password": "password-" + email, "name": "test"})
	tok := apiDecode[map[string]string](a.t, res, http.StatusCreated)["token"]
	if !strings.HasPrefix(tok, account.TokenPrefix) {
		a.t.Fatalf("token %q lacks prefix", tok)
	}
	c.Header.Set("Authorization", "Bearer "+tok)
	return c
}

func (a *testApp) tr(lang, key string, args ...any) string {
	return a.bundle.Locale(lang).T(key, args...)
}

func apiCountRows(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// noSecrets fails if an answer leaks stored hashes.
func apiNoSecrets(t *testing.T, res *response) {
	t.Helper()
	for _, s := range []string{"password_hash", "token_hash", "$argon2", "join_token"} {
		if strings.Contains(res.Body, s) {
			t.Fatalf("answer leaks %q:\n%s", s, res.Body)
		}
	}
}

// apiTable is every route of the API, as the API registers them.
func apiTable() []httpx.Route { return (&api.API{}).Table() }
