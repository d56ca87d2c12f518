package web

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"

	"mentorskap/internal/announce"
	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
)

// Announcements: a coordinator writes to a program's people or a segment
// of them. The page shows how many each segment holds now; the preview
// shows the message as it will go out with its count, and only its
// confirmation sends. The API (api_announce.go) does the same through
// package announce.
func (s *Server) announceRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /programs/{id}/announcements", s.requireUser(s.announcePage))
	mux.HandleFunc("POST /programs/{id}/announcements/preview", s.requireUser(s.announcePreview))
	mux.HandleFunc("POST /programs/{id}/announcements", s.requireUser(s.announceSend))
	mux.HandleFunc("POST /announcements/{id}/dismiss", s.requireUser(s.announceDismiss))
}

func (s *Server) announcer() *announce.Service {
	return &announce.Service{DB: s.DB, Clock: s.Clock, Outbox: s.Outbox}
}

// announceSegment is one choice of the form with how many it reaches now.
type announceSegment struct {
	Name  string
	Count int
}

type announceData struct {
	Program   *program.Program
	Segments  []announceSegment
	Languages []string
	Sent      []announce.Announcement
	// Preview is the draft waiting for confirmation, with its count and
	// the key that makes sending it twice send it once.
	Preview *announce.Draft
	Count   int
	SendKey string
}

// ShowDays is how long an announcement stays on its readers' start pages.
func (announceData) ShowDays() int { return announce.ShowDays }

func (s *Server) announceData(r *http.Request) (*announceData, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	svc := s.announcer()
	sent, err := svc.Sent(r.Context(), httpx.User(r), id)
	if err != nil {
		return nil, err
	}
	prog, err := program.Get(r.Context(), s.DB, id)
	if err != nil {
		return nil, err
	}
	d := &announceData{Program: prog, Sent: sent, Languages: i18n.Languages}
	now := s.Clock.Now()
	for _, seg := range announce.Segments {
		list, err := announce.Recipients(r.Context(), s.DB, prog, seg, now)
		if err != nil {
			return nil, err
		}
		d.Segments = append(d.Segments, announceSegment{Name: seg, Count: len(list)})
	}
	return d, nil
}

func (s *Server) announcePage(w http.ResponseWriter, r *http.Request) {
	d, err := s.announceData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r, d)
	p.Form = map[string][]string{"segment": {announce.SegmentAll}, "language": {d.Program.DefaultLanguage}}
	s.renderPage(w, r, http.StatusOK, "announce_list", p)
}

func draftFrom(r *http.Request) *announce.Draft {
	return &announce.Draft{Segment: r.PostForm.Get("segment"), Language: r.PostForm.Get("language"),
		Subject: r.PostForm.Get("subject"), Body: r.PostForm.Get("body"), SendKey: r.PostForm.Get("send_key")}
}

func (s *Server) announcePreview(w http.ResponseWriter, r *http.Request) {
	d, err := s.announceData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	draft := draftFrom(r)
	n, err := s.announcer().Preview(r.Context(), httpx.User(r), d.Program.ID, draft)
	if err == nil && n == 0 {
		err = &errs.Error{Kind: errs.Invalid, Key: "error.invalid",
			Fields: map[string]errs.Msg{"segment": {Key: "announce.error.nobody"}}}
	}
	if err != nil {
		s.renderForm(w, r, "announce_list", d, err)
		return
	}
	d.Preview, d.Count, d.SendKey = draft, n, newSendKey()
	p := s.newPage(w, r, d)
	p.Form = r.PostForm
	s.renderPage(w, r, http.StatusOK, "announce_list", p)
}

func newSendKey() string {
	b := make([]byte, 18)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *Server) announceSend(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	_, again, err := s.announcer().Send(r.Context(), httpx.User(r), id, draftFrom(r))
	if err != nil {
		d, derr := s.announceData(r)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.renderForm(w, r, "announce_list", d, err)
		return
	}
	flash := "announce.sent"
	if again {
		flash = "announce.sent_before"
	}
	s.redirect(w, r, programPath(id)+"/announcements#h-sent", flash)
}

func (s *Server) announceDismiss(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err == nil {
		err = announce.Dismiss(r.Context(), s.DB, httpx.User(r).ID, id, s.Clock.Now())
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/", "announce.dismissed")
}
