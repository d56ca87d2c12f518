package web

import (
	"fmt"
	"net/http"
	"strconv"

	"mentorskap/internal/httpx"
	"mentorskap/internal/meeting"
)

func (s *Server) messageRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /pairs/{id}/messages", s.requireUser(s.messageThread))
	mux.HandleFunc("POST /pairs/{id}/messages", s.requireUser(s.messageSend))
}

func messagesPath(pairID int64) string { return fmt.Sprintf("/pairs/%d/messages", pairID) }

type messageThreadData struct {
	*meeting.Thread
	Max int
}

// messageThreadData loads the thread; on its newest page, what is shown
// counts as read.
func (s *Server) messageThreadData(r *http.Request, pairID int64) (*messageThreadData, error) {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	t, err := s.Meetings.Messages(r.Context(), httpx.User(r), pairID, before)
	if err != nil {
		return nil, err
	}
	if before <= 0 && t.Latest() > t.LastRead {
		if err := s.Meetings.MarkRead(r.Context(), httpx.User(r), pairID, t.Latest()); err != nil {
			return nil, err
		}
	}
	t.Pair = withFormerNames(s.locale(r), t.Pair)
	return &messageThreadData{Thread: t, Max: meeting.MaxMessage}, nil
}

func (s *Server) messageThread(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.messageThreadData(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "message_thread", d)
}

func (s *Server) messageSend(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	in := meeting.MessageInput{Body: r.PostForm.Get("body"), Urgent: r.PostForm.Get("urgent") != ""}
	m, err := s.Meetings.Send(r.Context(), httpx.User(r), id, in)
	if err != nil {
		d, derr := s.messageThreadData(r, id)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.renderForm(w, r, "message_thread", d, err)
		return
	}
	s.redirect(w, r, fmt.Sprintf("%s#m-%d", messagesPath(id), m.ID), "message.sent")
}
