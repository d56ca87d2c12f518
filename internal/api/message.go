package api

import (
	"net/http"
	"time"

	"mentorskap/internal/httpx"
	"mentorskap/internal/meeting"
)

func (s *API) apiMessageTable() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/v1/pairs/{pairID}/messages", Handler: s.apiListMessages},
		{Method: "POST", Pattern: "/api/v1/pairs/{pairID}/messages", Handler: s.apiSendMessage},
		{Method: "POST", Pattern: "/api/v1/pairs/{pairID}/messages/read", Handler: s.apiReadMessages},
	}
}

type apiMessage struct {
	ID         int64     `json:"id"`
	SenderID   *int64    `json:"sender_user_id"`
	SenderName string    `json:"sender_name"`
	Body       string    `json:"body"`
	Urgent     bool      `json:"urgent"`
	Nudge      string    `json:"nudge"`
	CreatedAt  time.Time `json:"created_at"`
	Mine       bool      `json:"mine"`
	Seen       bool      `json:"seen"`
	Unread     bool      `json:"unread"`
}

func toAPIMessage(m *meeting.Message) apiMessage {
	out := apiMessage{ID: m.ID, SenderName: m.SenderName, Body: m.Body, Urgent: m.Urgent, Nudge: m.Nudge,
		CreatedAt: m.CreatedAt.UTC(), Mine: m.Mine, Seen: m.Seen, Unread: m.New, SenderID: apiOptID(m.SenderID)}
	return out
}

type apiThread struct {
	Items      []apiMessage `json:"items"`
	More       bool         `json:"more"`
	Next       *string      `json:"next"`
	Allowed    bool         `json:"allowed"`
	UrgentRule string       `json:"urgent_rule"`
	LastReadID int64        `json:"last_read_id"`
}

func (s *API) apiListMessages(w http.ResponseWriter, r *http.Request) {
	pairID, err := httpx.PathID(r, "pairID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The thread pages backwards: the cursor is the oldest message's id
	// of the page before, and next leads to older messages.
	limit, before, err := httpx.KeysetParams(r)
	var t *meeting.Thread
	if err == nil {
		t, err = s.Meetings.Messages(r.Context(), httpx.User(r), pairID, before)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(t.Messages) > limit { // the newest limit of them
		t.Messages, t.More = t.Messages[len(t.Messages)-limit:], true
	}
	out := apiThread{Items: make([]apiMessage, 0, len(t.Messages)), More: t.More, Allowed: t.Allowed,
		UrgentRule: t.UrgentRule, LastReadID: t.LastRead}
	for i := range t.Messages {
		item := toAPIMessage(&t.Messages[i])
		if item.Nudge != "" { // a coordinator's nudge reads in the caller's language
			item.Body = s.locale(r).T("nudge.text." + item.Nudge)
		}
		out.Items = append(out.Items, item)
	}
	if t.More && len(t.Messages) > 0 {
		q := r.URL.Query()
		q.Set("cursor", httpx.Itoa(t.Messages[0].ID))
		next := r.URL.Path + "?" + q.Encode()
		out.Next = &next
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

type apiMessageInput struct {
	Body   string `json:"body"`
	Urgent bool   `json:"urgent"`
}

func (s *API) apiSendMessage(w http.ResponseWriter, r *http.Request) {
	pairID, err := httpx.PathID(r, "pairID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in apiMessageInput
	if _, ok := s.memberInput(w, r, &in); !ok {
		return
	}
	m, err := s.Meetings.Send(r.Context(), httpx.User(r), pairID, meeting.MessageInput{Body: in.Body, Urgent: in.Urgent})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, toAPIMessage(m))
}

type apiReadInput struct {
	UpTo int64 `json:"up_to"`
}

func (s *API) apiReadMessages(w http.ResponseWriter, r *http.Request) {
	pairID, err := httpx.PathID(r, "pairID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in apiReadInput
	if _, ok := s.memberInput(w, r, &in); !ok {
		return
	}
	if err := s.Meetings.MarkRead(r.Context(), httpx.User(r), pairID, in.UpTo); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
