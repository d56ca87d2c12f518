package web

import (
	"net/http"
	"time"

	"mentorskap/internal/announce"
)

// Announcements through the API: the same package announce the pages
// call, so the segments, the count and the one email per person are the
// same.
func (s *Server) apiAnnounceTable() []apiRoute {
	return []apiRoute{
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

func (s *Server) apiListAnnouncements(w http.ResponseWriter, r *http.Request) {
	id, err := programPathID(r)
	var list []announce.Announcement
	if err == nil {
		list, err = s.announcer().Sent(r.Context(), user(r), id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiAnnouncement, 0, len(list))
	for i := range list {
		out = append(out, toAPIAnnouncement(&list[i]))
	}
	writeJSON(w, http.StatusOK, newAPIList(out))
}

type apiAnnouncementPreview struct {
	Segment    string `json:"segment"`
	Language   string `json:"language"`
	Recipients int    `json:"recipients"`
}

func (s *Server) apiPreviewAnnouncement(w http.ResponseWriter, r *http.Request) {
	p, ok := s.coordinatorInput(w, r, nil)
	if !ok {
		return
	}
	var in announcementInput
	if err := readJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	d := in.draft()
	n, err := s.announcer().Preview(r.Context(), user(r), p.ID, d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiAnnouncementPreview{Segment: d.Segment, Language: d.Language, Recipients: n})
}

func (s *Server) apiCreateAnnouncement(w http.ResponseWriter, r *http.Request) {
	p, ok := s.coordinatorInput(w, r, nil)
	if !ok {
		return
	}
	var in announcementInput
	if err := readJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	a, again, err := s.announcer().Send(r.Context(), user(r), p.ID, in.draft())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if again {
		writeJSON(w, http.StatusOK, toAPIAnnouncement(a))
		return
	}
	writeJSON(w, http.StatusCreated, toAPIAnnouncement(a))
}

func (s *Server) apiMyAnnouncements(w http.ResponseWriter, r *http.Request) {
	list, err := announce.ForHome(r.Context(), s.DB, user(r).ID, s.Clock.Now())
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
	writeJSON(w, http.StatusOK, newAPIList(out))
}

func (s *Server) apiDismissAnnouncement(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "announcementID")
	if err == nil {
		err = announce.Dismiss(r.Context(), s.DB, user(r).ID, id, s.Clock.Now())
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
