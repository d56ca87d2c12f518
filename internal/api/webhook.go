package api

import (
	"net/http"
	"time"

	"mentorskap/internal/httpx"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/webhook"
)

// Webhooks are the administrators': an endpoint receives a program's
// events, so registering one decides where facts about its people go.
func (s *API) apiWebhookTable() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/webhooks", Handler: s.requireAdmin(s.apiListWebhooks)},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/webhooks", Handler: s.requireAdmin(s.apiCreateWebhook)},
		{Method: "DELETE", Pattern: "/api/v1/programs/{programID}/webhooks/{webhookID}", Handler: s.requireAdmin(s.apiDeleteWebhook)},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/webhooks/{webhookID}/rotate", Handler: s.requireAdmin(s.apiRotateWebhook)},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/webhooks/{webhookID}/deliveries", Handler: s.requireAdmin(s.apiWebhookDeliveries)},
	}
}

// apiWebhook is an endpoint; its secret only in the answers that make one.
type apiWebhook struct {
	ID        int64     `json:"id"`
	ProgramID int64     `json:"program_id"`
	URL       string    `json:"url"`
	Events    []string  `json:"events"`
	Secret    string    `json:"secret,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

func toAPIWebhook(e *webhook.Endpoint, withSecret bool) apiWebhook {
	out := apiWebhook{ID: e.ID, ProgramID: e.ProgramID, URL: e.URL, Events: e.Events, CreatedAt: e.CreatedAt.UTC()}
	if withSecret {
		out.Secret = e.Secret
	}
	return out
}

// webhookProgram finds the program in the path; administrators reach every
// program.
func (s *API) webhookProgram(w http.ResponseWriter, r *http.Request) (*program.Program, bool) {
	id, err := httpx.ProgramPathID(r)
	var p *program.Program
	if err == nil {
		p, err = program.Get(r.Context(), s.DB, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return p, true
}

func (s *API) apiListWebhooks(w http.ResponseWriter, r *http.Request) {
	p, ok := s.webhookProgram(w, r)
	if !ok {
		return
	}
	eps, err := webhook.Endpoints(r.Context(), s.DB, p.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiWebhook, 0, len(eps))
	for i := range eps {
		out = append(out, toAPIWebhook(&eps[i], false))
	}
	httpx.WritePage(w, r, s.fail, out)
}

type webhookInput struct {
	URL    string   `json:"url"`
	Events []string `json:"events"`
}

func (s *API) apiCreateWebhook(w http.ResponseWriter, r *http.Request) {
	p, ok := s.webhookProgram(w, r)
	if !ok {
		return
	}
	var in webhookInput
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	var e *webhook.Endpoint
	err := s.DB.Tx(r.Context(), func(tx *store.Tx) error {
		var err error
		e, err = webhook.Register(r.Context(), tx, s.Clock.Now(), p.ID, httpx.User(r).ID, in.URL, in.Events)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", httpx.Prefix+"/programs/"+httpx.Itoa(p.ID)+"/webhooks/"+httpx.Itoa(e.ID))
	httpx.WriteJSON(w, http.StatusCreated, toAPIWebhook(e, true))
}

func (s *API) apiDeleteWebhook(w http.ResponseWriter, r *http.Request) {
	p, ok := s.webhookProgram(w, r)
	if !ok {
		return
	}
	id, err := httpx.PathID(r, "webhookID")
	if err == nil {
		err = webhook.Remove(r.Context(), s.DB, p.ID, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *API) apiRotateWebhook(w http.ResponseWriter, r *http.Request) {
	p, ok := s.webhookProgram(w, r)
	if !ok {
		return
	}
	id, err := httpx.PathID(r, "webhookID")
	var e *webhook.Endpoint
	if err == nil {
		err = s.DB.Tx(r.Context(), func(tx *store.Tx) error {
			var err error
			e, err = webhook.Rotate(r.Context(), tx, s.Clock.Now(), p.ID, id)
			return err
		})
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIWebhook(e, true))
}

// apiWebhookDelivery is one line of the delivery log; the payload is
// shown, as it holds nothing confidential by construction.
type apiWebhookDelivery struct {
	ID          int64      `json:"id"`
	MessageID   string     `json:"message_id"`
	EventType   string     `json:"event_type"`
	Status      string     `json:"status"`
	Attempts    int        `json:"attempts"`
	LastStatus  int        `json:"last_status_code,omitempty"`
	LastError   string     `json:"last_error,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
}

func (s *API) apiWebhookDeliveries(w http.ResponseWriter, r *http.Request) {
	p, ok := s.webhookProgram(w, r)
	if !ok {
		return
	}
	id, err := httpx.PathID(r, "webhookID")
	if err == nil {
		_, err = webhook.Get(r.Context(), s.DB, p.ID, id)
	}
	limit, cursor := 0, int64(0)
	if err == nil {
		limit, cursor, err = httpx.KeysetParams(r)
	}
	var ds []webhook.Delivery
	if err == nil {
		ds, err = webhook.Deliveries(r.Context(), s.DB, id, cursor, limit)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := httpx.Page[apiWebhookDelivery]{Items: []apiWebhookDelivery{}}
	for _, d := range ds {
		page.Items = append(page.Items, apiWebhookDelivery{ID: d.ID, MessageID: d.MessageID, EventType: d.EventType,
			Status: d.Status, Attempts: d.Attempts, LastStatus: d.LastStatus, LastError: d.LastError,
			CreatedAt: d.CreatedAt.UTC(), DeliveredAt: apiUTC(d.DeliveredAt)})
	}
	if n := len(ds); n > 0 {
		page.Next = httpx.NextPage(r, n, limit, httpx.Itoa(ds[n-1].ID))
	}
	httpx.WriteJSON(w, http.StatusOK, page)
}
