package api

import (
	"net/http"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// TestAPIIdempotencyKey: a creating POST sent twice with one key creates one
// thing and answers the same both times; the key cannot be reused for
// another request, a refused request keeps nothing, and after 24 hours the
// key is free again.
func TestAPIIdempotencyKey(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestAppDB(t, db)
		app.addUser("coord@example.org", "Cora", account.RoleCoordinator, "en")
		app.addUser("other@example.org", "Otto", account.RoleCoordinator, "en")
		c := app.apiClient("coord@example.org")
		before := apiCountRows(t, db, "programs")

		c.Header.Set("Idempotency-Key", "create-spring")
		first := c.apiSend("POST", "/api/v1/programs", map[string]any{"name": "Spring"})
		p1 := apiDecode[apiProgram](t, first, http.StatusCreated)
		again := c.apiSend("POST", "/api/v1/programs", map[string]any{"name": "Spring"})
		p2 := apiDecode[apiProgram](t, again, http.StatusCreated)
		if p1.ID != p2.ID || again.Header.Get("Idempotent-Replayed") != "true" || first.Header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("replay: %d vs %d, header %q", p1.ID, p2.ID, again.Header.Get("Idempotent-Replayed"))
		}
		if n := apiCountRows(t, db, "programs"); n != before+1 {
			t.Fatalf("%d programs created, want 1", n-before)
		}

		// The same key for another request is refused and names the header.
		pr := mustProblem(t, c.apiSend("POST", "/api/v1/programs", map[string]any{"name": "Autumn"}), http.StatusUnprocessableEntity)
		if pr.Errors["Idempotency-Key"] == "" {
			t.Fatalf("reuse: %+v", pr)
		}
		// Keys are per person: another coordinator's same key is theirs.
		o := app.apiClient("other@example.org")
		o.Header.Set("Idempotency-Key", "create-spring")
		if p := apiDecode[apiProgram](t, o.apiSend("POST", "/api/v1/programs", map[string]any{"name": "Spring"}), http.StatusCreated); p.ID == p1.ID {
			t.Fatal("another person got my answer")
		}

		// A refused request keeps nothing: corrected, the key works.
		c.Header.Set("Idempotency-Key", "second")
		mustProblem(t, c.apiSend("POST", "/api/v1/programs", map[string]any{"purpose": "no name"}), http.StatusUnprocessableEntity)
		apiDecode[apiProgram](t, c.apiSend("POST", "/api/v1/programs", map[string]any{"name": "Summer"}), http.StatusCreated)

		// After 24 hours the first key names a new request.
		app.clock.Advance(idempotencyTTL + time.Second)
		c.Header.Set("Idempotency-Key", "create-spring")
		p3 := apiDecode[apiProgram](t, c.apiSend("POST", "/api/v1/programs", map[string]any{"name": "Spring"}), http.StatusCreated)
		if p3.ID == p1.ID {
			t.Fatal("an expired key replayed")
		}
	})
}
