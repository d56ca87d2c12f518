package api

import (
	"mentorskap/internal/httpx"
	"net/http"
	"time"

	"mentorskap/internal/announce"
)

// Announcements through the API: the same package announce the pages
// call, so the segments, the count and the one email per person are the
// same.
func (s *API) apiAnnounceTable() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/announcements", Handler: s.apiListAnnouncements},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/announcements", Handler: s.apiCreateAnnouncement},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/announcements/preview", Handler: s.apiPreviewAnnouncement},
		{Method: "GET", Pattern: "/api/v1/me/announcements", Handler: s.apiMyAnnouncements},
		{Method: "POST", Pattern: "/api/v1/announcements/{announcementID}/dismiss", Handler: s.apiDismissAnnouncement},
	}
}

type apiAnnouncement struct {
	ID          int64     `json:"id"`
	ProgramID   int64     `json:"program_id"`
	ProgramName string    `json:"program_name"`
	AuthorName  string    `json:"author_name"`
	Segment     string    `json:"segment"`
	Language    string    `json:"language"`
	Subject     string    `json:"subject"`
	Body        string    `json:"body"`
	Recipients  int       `json:"recipients"`
	CreatedAt   time.Time `json:"created_at"`
}

func toAPIAnnouncement(a *announce.Announcement) apiAnnouncement {
	return apiAnnouncement{ID: a.ID, ProgramID: a.ProgramID, ProgramName: a.ProgramName, AuthorName: a.AuthorName,
		Segment: a.Segment, Language: a.Language, Subject: a.Subject, Body: a.Body, Recipients: a.Recipients,
		CreatedAt: a.CreatedAt.UTC()}
}

type announcementInput struct {
	Segment  string `json:"segment"`
	Language string `json:"language"`
	Subject  string `json:"subject"`
	Body     string `json:"body"`
	SendKey  string `json:"send_key"`
}

func (in announcementInput) draft() *announce.Draft {
	return &announce.Draft{Segment: in.Segment, Language: in.Language, Subject: in.Subject, Body: in.Body, SendKey: in.SendKey}
}

func (s *API) apiListAnnouncements(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	var list []announce.Announcement
	if err == nil {
		list, err = s.announcer().Sent(r.Context(), httpx.User(r), id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiAnnouncement, 0, len(list))
	for i := range list {
		out = append(out, toAPIAnnouncement(&list[i]))
	}
	httpx.WritePage(w, r, s.fail, out)
}

type apiAnnouncementPreview struct {
	Segment    string `json:"segment"`
	Language   string `json:"language"`
	Recipients int    `json:"recipients"`
}

func (s *API) apiPreviewAnnouncement(w http.ResponseWriter, r *http.Request) {
	p, ok := s.coordinatorInput(w, r, nil)
	if !ok {
		return
	}
	var in announcementInput
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	d := in.draft()
	n, err := s.announcer().Preview(r.Context(), httpx.User(r), p.ID, d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, apiAnnouncementPreview{Segment: d.Segment, Language: d.Language, Recipients: n})
}

func (s *API) apiCreateAnnouncement(w http.ResponseWriter, r *http.Request) {
	p, ok := s.coordinatorInput(w, r, nil)
	if !ok {
		return
	}
	var in announcementInput
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	a, again, err := s.announcer().Send(r.Context(), httpx.User(r), p.ID, in.draft())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if again {
		httpx.WriteJSON(w, http.StatusOK, toAPIAnnouncement(a))
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, toAPIAnnouncement(a))
}

func (s *API) apiMyAnnouncements(w http.ResponseWriter, r *http.Request) {
	list, err := announce.ForHome(r.Context(), s.DB, httpx.User(r).ID, s.Clock.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiAnnouncement, 0, len(list))
	for i := range list {
		a := toAPIAnnouncement(&list[i])
		a.Recipients = 0 // how many others got it is the coordinators' to know
		out = append(out, a)
	}
	httpx.WritePage(w, r, s.fail, out)
}

func (s *API) apiDismissAnnouncement(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "announcementID")
	if err == nil {
		err = announce.Dismiss(r.Context(), s.DB, httpx.User(r).ID, id, s.Clock.Now())
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// announcer is the announcements service, built from what API holds, as
// the pages build theirs.
func (s *API) announcer() *announce.Service {
	return &announce.Service{DB: s.DB, Clock: s.Clock, Outbox: s.Outbox}
}
