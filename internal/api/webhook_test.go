package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/httpx"
	"mentorskap/internal/jobs"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
	"mentorskap/internal/web"
	"mentorskap/internal/webhook"
)

// receiver is a webhook endpoint as an integrator would write one: it
// checks the Standard Webhooks signature with its own HMAC code (not the
// server's), and fails the first delivery of each message with 500 when
// failFirst is set.
type receiver struct {
	t         *testing.T
	mu        sync.Mutex
	secret    string
	failFirst bool
	got       map[string]int // webhook-id → deliveries accepted
	tries     map[string]int
	events    []map[string]any
	sigs      []string
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	id, ts, sig := r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp"), r.Header.Get("webhook-signature")
	rc.mu.Lock()
	defer rc.mu.Unlock()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(rc.secret, "whsec_"))
	if err != nil {
		rc.t.Errorf("secret %q is not whsec_<base64>", rc.secret)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "." + string(body)))
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	ok := false
	for _, s := range strings.Fields(sig) {
		ok = ok || hmac.Equal([]byte(s), []byte(want))
	}
	if !ok {
		rc.t.Errorf("signature %q does not verify for message %s", sig, id)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	rc.sigs = append(rc.sigs, sig)
	rc.tries[id]++
	if rc.failFirst && rc.tries[id] == 1 {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	var ev map[string]any
	if err := json.Unmarshal(body, &ev); err != nil {
		rc.t.Errorf("payload: %v", err)
	}
	rc.got[id]++
	rc.events = append(rc.events, ev)
	w.WriteHeader(http.StatusNoContent)
}

type webhookFixture struct {
	app   *testApp
	admin *client
	prog  *program.Program
	rc    *receiver
	ts    *httptest.Server
	hook  apiWebhook
	base  string
}

func newWebhookFixture(t *testing.T, db *store.DB, failFirst bool) *webhookFixture {
	app := newTestAppDB(t, db)
	app.addUser("admin@example.org", "Ada Admin", account.RoleAdmin, "en")
	app.addUser("coord@example.org", "Cora", account.RoleCoordinator, "en")
	coord := app.apiClient("coord@example.org")
	p := apiDecode[apiProgram](t, coord.apiSend("POST", "/api/v1/programs", map[string]any{"name": "Spring", "join_enabled": true}), http.StatusCreated)
	prog, err := program.Get(context.Background(), db, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	rc := &receiver{t: t, failFirst: failFirst, got: map[string]int{}, tries: map[string]int{}}
	ts := httptest.NewTLSServer(rc)
	t.Cleanup(ts.Close)
	f := &webhookFixture{app: app, admin: app.apiClient("admin@example.org"), prog: prog, rc: rc, ts: ts,
		base: "/api/v1/programs/" + httpx.Itoa(p.ID) + "/webhooks"}

	// Only HTTPS, only known events; coordinators may not register.
	pr := mustProblem(t, f.admin.apiSend("POST", f.base, map[string]any{"url": "http://example.org/hook", "events": []string{"pair.sent"}}), http.StatusUnprocessableEntity)
	if pr.Errors["url"] == "" || pr.Errors["events"] == "" {
		t.Fatalf("validation %+v", pr)
	}
	mustProblem(t, coord.apiSend("POST", f.base, map[string]any{"url": ts.URL, "events": []string{"participant.joined"}}), http.StatusForbidden)

	f.hook = apiDecode[apiWebhook](t, f.admin.apiSend("POST", f.base, map[string]any{"url": ts.URL + "/hook", "events": []string{"participant.joined", "pair.created"}}), http.StatusCreated)
	if !strings.HasPrefix(f.hook.Secret, "whsec_") {
		t.Fatalf("secret %q", f.hook.Secret)
	}
	rc.secret = f.hook.Secret
	if res := f.admin.get(f.base); strings.Contains(res.Body, "whsec_") || res.StatusCode != http.StatusOK {
		t.Fatalf("list shows the secret or fails: %d %s", res.StatusCode, res.Body)
	}
	return f
}

// join enrols a new person through the join link: a participant.joined event.
func (f *webhookFixture) join(t *testing.T, n int) {
	t.Helper()
	email := "p" + strconv.Itoa(n) + "@example.org"
	_, err := f.app.srv.Programs.Join(context.Background(), nil, f.prog.JoinToken, program.Acceptance{Role: "mentee",
		Account: account.NewUser{Email: email, Name: "P" + strconv.Itoa(n), Password: "password-" + email, Language: "en", Timezone: "UTC"}})
	if err != nil {
		t.Fatal(err)
	}
}

func (f *webhookFixture) worker(db *store.DB, id string) *jobs.Worker {
	w := jobs.NewWorker(db, f.app.clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	w.ID = id
	w.HandleWebhooks(f.ts.Client())
	return w
}

// TestWebhookDelivery: an event reaches a real HTTPS endpoint signed as the
// Standard Webhooks specification says, is tried again after a 500 with
// the same webhook-id, shows in the delivery log and in /metrics, and a
// rotated secret signs beside the old one.
func TestWebhookDelivery(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newWebhookFixture(t, db, true)
		f.join(t, 1)
		w := f.worker(db, "w1")
		ctx := context.Background()

		if _, err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		log := apiDecode[httpx.Page[apiWebhookDelivery]](t, f.admin.get(f.base+"/"+httpx.Itoa(f.hook.ID)+"/deliveries"), http.StatusOK)
		if len(log.Items) != 1 || log.Items[0].Status != "failed" || log.Items[0].Attempts != 1 || log.Items[0].LastStatus != 500 {
			t.Fatalf("after a 500: %+v", log.Items)
		}
		// Not before the backoff has passed.
		if n, _ := w.RunOnce(ctx); n != 0 {
			t.Fatalf("retried at once (%d)", n)
		}
		f.app.clock.Advance(jobs.Backoff(1) + time.Second)
		if _, err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		log = apiDecode[httpx.Page[apiWebhookDelivery]](t, f.admin.get(f.base+"/"+httpx.Itoa(f.hook.ID)+"/deliveries"), http.StatusOK)
		d := log.Items[0]
		if d.Status != "delivered" || d.Attempts != 2 || d.DeliveredAt == nil || d.LastError != "" || d.EventType != "participant.joined" {
			t.Fatalf("after the retry: %+v", d)
		}
		f.rc.mu.Lock()
		if len(f.rc.got) != 1 || f.rc.got[d.MessageID] != 1 || f.rc.tries[d.MessageID] != 2 {
			t.Fatalf("received %v tries %v", f.rc.got, f.rc.tries)
		}
		ev := f.rc.events[0]
		data, _ := ev["data"].(map[string]any)
		if ev["type"] != "participant.joined" || data["program_id"] != float64(f.prog.ID) || data["role"] != "mentee" {
			t.Fatalf("event %v", ev)
		}
		f.rc.mu.Unlock()
		if n := webhookGauge(t, f.app.srv, "delivered"); n != 1 {
			t.Fatalf("metrics: %v delivered", n)
		}

		// Rotation: the new secret is shown once, and for a day both sign.
		rot := apiDecode[apiWebhook](t, f.admin.apiSend("POST", f.base+"/"+httpx.Itoa(f.hook.ID)+"/rotate", nil), http.StatusOK)
		if rot.Secret == f.hook.Secret || !strings.HasPrefix(rot.Secret, "whsec_") {
			t.Fatalf("rotated %q", rot.Secret)
		}
		f.rc.mu.Lock()
		f.rc.secret, f.rc.failFirst = rot.Secret, false
		f.rc.mu.Unlock()
		f.join(t, 2)
		if _, err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		f.rc.mu.Lock()
		last := f.rc.sigs[len(f.rc.sigs)-1]
		f.rc.mu.Unlock()
		if len(strings.Fields(last)) != 2 {
			t.Fatalf("during the overlap the message carries %q", last)
		}

		// Removing the endpoint stops everything for it.
		f.admin.apiSend("DELETE", f.base+"/"+httpx.Itoa(f.hook.ID), nil).mustStatus(t, http.StatusNoContent)
		f.join(t, 3)
		if n := apiCountRows(t, db, "webhook_deliveries"); n != 0 {
			t.Fatalf("%d deliveries after removal", n)
		}
	})
}

// TestWebhookOnceAcrossInstances: two workers (two instances) on one
// PostgreSQL database deliver every event exactly once.
func TestWebhookOnceAcrossInstances(t *testing.T) {
	t.Parallel()
	if os.Getenv("MENTORSKAP_TEST_POSTGRES") == "" {
		t.Skip("needs MENTORSKAP_TEST_POSTGRES")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if db.Dialect() != store.Postgres {
			t.Skip("SQLite has one writer; the race is PostgreSQL's")
		}
		f := newWebhookFixture(t, db, false)
		const events = 12
		for i := range events {
			f.join(t, i)
		}
		ws := []*jobs.Worker{f.worker(db, "instance-a"), f.worker(db, "instance-b")}
		for _, w := range ws {
			w.Batch = 3
		}
		var wg sync.WaitGroup
		for _, w := range ws {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					n, err := w.RunOnce(context.Background())
					if err != nil {
						t.Error(err)
						return
					}
					if n == 0 {
						return
					}
				}
			}()
		}
		wg.Wait()
		f.rc.mu.Lock()
		defer f.rc.mu.Unlock()
		if len(f.rc.got) != events {
			t.Fatalf("%d distinct messages delivered, want %d", len(f.rc.got), events)
		}
		for id, n := range f.rc.got {
			if n != 1 {
				t.Errorf("message %s delivered %d times", id, n)
			}
		}
	})
}

// webhookGauge reads mentorskap_webhook_deliveries{status} from a scrape of
// /metrics.
func webhookGauge(t *testing.T, s *web.Server, status string) float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	s.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	m := regexp.MustCompile(`(?m)^mentorskap_webhook_deliveries\{status="` + regexp.QuoteMeta(status) + `"\} (\S+)$`).FindStringSubmatch(rec.Body.String())
	if m == nil {
		t.Fatalf("no mentorskap_webhook_deliveries{status=%q}", status)
	}
	n, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestWebhookMeetingEvents: confirming and cancelling a meeting reach the
// program's endpoint with the time and length, never the place or the
// reason for cancelling.
func TestWebhookMeetingEvents(t *testing.T) {
	t.Parallel()
	db := storetest.Default(t)
	f := newMeetFixture(t, db)
	app := f.app
	rc := &receiver{t: t, got: map[string]int{}, tries: map[string]int{}}
	ts := httptest.NewTLSServer(rc)
	t.Cleanup(ts.Close)
	ctx := context.Background()
	if err := db.Tx(ctx, func(tx *store.Tx) error {
		e, err := webhook.Register(ctx, tx, app.clock.Now(), f.pair.ProgramID, f.mentee.ID, ts.URL,
			[]string{webhook.MeetingConfirmed, webhook.MeetingCancelled})
		if err == nil {
			rc.secret = e.Secret
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	mentee, mentor := app.apiClient("ayu@example.org"), app.apiClient("kari@example.org")
	base := "/api/v1/pairs/" + pid(f.pair.ID)
	m := apiDecode[apiMeeting](t, mentee.apiSend("POST", base+"/meetings", map[string]any{"starts_on": "2026-03-09", "time": "17:00", "minutes": 60, "place": "Secret café"}), http.StatusCreated)
	mentor.apiSend("POST", base+"/meetings/"+pid(m.ID)+"/accept", nil).mustStatus(t, http.StatusOK)
	mentor.apiSend("POST", base+"/meetings/"+pid(m.ID)+"/cancel", map[string]any{"reason": "Private trouble"}).mustStatus(t, http.StatusOK)

	w := jobs.NewWorker(db, app.clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	w.HandleWebhooks(ts.Client())
	if _, err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var types []string
	for _, ev := range rc.events {
		types = append(types, ev["type"].(string))
		data := ev["data"].(map[string]any)
		if data["meeting_id"] != float64(m.ID) || data["starts_at"] != "2026-03-09T10:00:00Z" {
			t.Errorf("event %v", ev)
		}
		b, _ := json.Marshal(ev)
		for _, secret := range []string{"Secret café", "Private trouble", "place", "reason"} {
			if strings.Contains(string(b), secret) {
				t.Errorf("event carries %q: %s", secret, b)
			}
		}
	}
	if strings.Join(types, ",") != "meeting.confirmed,meeting.cancelled" {
		t.Fatalf("events %v", types)
	}
}

// TestWebhookPage: the administrator registers an endpoint on the page,
// sees its secret once and the delivery log after; a coordinator cannot.
func TestWebhookPage(t *testing.T) {
	t.Parallel()
	db := storetest.Default(t)
	f := newWebhookFixture(t, db, false)
	admin := f.app.login("admin@example.org")
	page := "/programs/" + httpx.Itoa(f.prog.ID) + "/webhooks"

	res := admin.post(page, url.Values{"url": {"http://insecure.example.org"}, "events": {"pair.created"}})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, f.app.enrolT("en", "webhook.error.url"), `value="pair.created" checked`)

	res = admin.post(page, url.Values{"url": {f.ts.URL + "/second"}, "events": {"participant.joined"}})
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "whsec_", f.app.enrolT("en", "webhook.secret_title"))
	// The receiver checks with the new endpoint's secret; the fixture's
	// endpoint goes.
	f.admin.apiSend("DELETE", f.base+"/"+httpx.Itoa(f.hook.ID), nil).mustStatus(t, http.StatusNoContent)
	f.rc.mu.Lock()
	f.rc.secret = regexp.MustCompile(`whsec_[A-Za-z0-9+/=]+`).FindString(html.UnescapeString(res.Body))
	f.rc.mu.Unlock()
	f.join(t, 1)
	if _, err := f.worker(db, "w").RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	res = admin.get(page)
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, f.ts.URL+"/second", f.app.enrolT("en", "webhook.status.delivered"), f.app.enrolT("en", "webhook.event.participant.joined"))
	if strings.Contains(res.Body, "whsec_") {
		t.Fatal("the page shows a secret again")
	}
	f.app.login("coord@example.org").get(page).mustStatus(t, http.StatusForbidden)
}

// TestWebhookPairCreated: a pair made through the API is announced with its
// sides named as the request names them, mentor_user_ids and
// mentee_user_ids.
func TestWebhookPairCreated(t *testing.T) {
	t.Parallel()
	f := newWebhookFixture(t, storetest.SQLite(t), false)
	mentor := f.app.addUser("mentor@example.org", "Max Mentor", account.RoleMember, "en")
	mentee := f.app.addUser("mentee@example.org", "Mia Mentee", account.RoleMember, "en")
	f.app.enrol(f.prog.ID, mentor, "mentor", program.StatusApproved)
	f.app.enrol(f.prog.ID, mentee, "mentee", program.StatusApproved)
	coord := f.app.apiClient("coord@example.org")
	apiDecode[apiPair](t, coord.apiSend("POST", "/api/v1/programs/"+httpx.Itoa(f.prog.ID)+"/pairs",
		map[string]any{"mentor_user_ids": []int64{mentor.ID}, "mentee_user_ids": []int64{mentee.ID}}), http.StatusCreated)
	var ev struct {
		Data map[string]any `json:"data"`
	}
	if err := json.Unmarshal([]byte(f.app.scalar(`SELECT payload FROM webhook_deliveries WHERE event_type = 'pair.created'`)), &ev); err != nil {
		t.Fatal(err)
	}
	want := map[string][]any{"mentor_user_ids": {float64(mentor.ID)}, "mentee_user_ids": {float64(mentee.ID)}}
	for k, ids := range want {
		if got, _ := ev.Data[k].([]any); !reflect.DeepEqual(got, ids) {
			t.Errorf("%s = %v, want %v (data %v)", k, ev.Data[k], ids, ev.Data)
		}
	}
}
