package web

import (
	"net/http"

	"mentorskap/internal/httpx"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/webhook"
)

// The administrator's webhook page for a program: its endpoints, each with
// its latest deliveries, a form to register one, and rotation and removal.
// The API (api_webhook.go) does the same; both call package webhook.
func (s *Server) webhookRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /programs/{id}/webhooks", s.requireAdmin(s.webhookPage))
	mux.HandleFunc("POST /programs/{id}/webhooks", s.requireAdmin(s.webhookCreate))
	mux.HandleFunc("POST /programs/{id}/webhooks/{hook}/rotate", s.requireAdmin(s.webhookRotate))
	mux.HandleFunc("POST /programs/{id}/webhooks/{hook}/remove", s.requireAdmin(s.confirmFirst("webhook_remove", s.mayRemoveWebhook, s.webhookRemove)))
}

// webhookLogSize is how many deliveries the page shows per endpoint; the
// API pages through all of them.
const webhookLogSize = 20

type webhookEndpointView struct {
	webhook.Endpoint
	Deliveries []webhook.Delivery
}

type webhookPageData struct {
	Program   *program.Program
	Endpoints []webhookEndpointView
	Events    []string
	// Secret is shown once, right after it was made, with the endpoint's id.
	Secret     string
	SecretHook int64
}

func (s *Server) webhookPageData(r *http.Request) (*webhookPageData, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	p, err := program.Get(r.Context(), s.DB, id)
	if err != nil {
		return nil, err
	}
	eps, err := webhook.Endpoints(r.Context(), s.DB, p.ID)
	if err != nil {
		return nil, err
	}
	d := &webhookPageData{Program: p, Events: webhook.Events}
	for _, e := range eps {
		ds, err := webhook.Deliveries(r.Context(), s.DB, e.ID, 0, webhookLogSize)
		if err != nil {
			return nil, err
		}
		d.Endpoints = append(d.Endpoints, webhookEndpointView{Endpoint: e, Deliveries: ds})
	}
	return d, nil
}

func (s *Server) webhookPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.webhookPageData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "webhook_list", d)
}

func (s *Server) webhookCreate(w http.ResponseWriter, r *http.Request) {
	d, err := s.webhookPageData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	var e *webhook.Endpoint
	err = s.DB.Tx(r.Context(), func(tx *store.Tx) error {
		var err error
		e, err = webhook.Register(r.Context(), tx, s.Clock.Now(), d.Program.ID, httpx.User(r).ID, r.PostForm.Get("url"), r.PostForm["events"])
		return err
	})
	if err != nil {
		s.renderForm(w, r, "webhook_list", d, err)
		return
	}
	s.showSecret(w, r, e)
}

// showSecret renders the page with a new secret on it: it is not kept
// anywhere a later page could show it from.
func (s *Server) showSecret(w http.ResponseWriter, r *http.Request, e *webhook.Endpoint) {
	d, err := s.webhookPageData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Secret, d.SecretHook = e.Secret, e.ID
	s.render(w, r, http.StatusOK, "webhook_list", d)
}

func (s *Server) webhookRotate(w http.ResponseWriter, r *http.Request) {
	id, hook, err := httpx.PathIDs(r, "id", "hook")
	var e *webhook.Endpoint
	if err == nil {
		err = s.DB.Tx(r.Context(), func(tx *store.Tx) error {
			var err error
			e, err = webhook.Rotate(r.Context(), tx, s.Clock.Now(), id, hook)
			return err
		})
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showSecret(w, r, e)
}

func (s *Server) webhookRemove(w http.ResponseWriter, r *http.Request) {
	id, hook, err := httpx.PathIDs(r, "id", "hook")
	if err == nil {
		err = webhook.Remove(r.Context(), s.DB, id, hook)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, programPath(id)+"/webhooks", "webhook.removed")
}
