package api

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"time"

	"mentorskap/internal/agreement"
	"mentorskap/internal/httpx"
	"mentorskap/internal/program"
)

func (s *API) apiEndingTable() []httpx.Route {
	return []httpx.Route{
		{Method: "POST", Pattern: "/api/v1/pairs/{pairID}/end", Handler: s.apiEndPairAsMember},
		{Method: "GET", Pattern: "/api/v1/pairs/{pairID}/closing", Handler: s.apiGetClosing},
		{Method: "PUT", Pattern: "/api/v1/pairs/{pairID}/closing/reflection", Handler: s.apiPutReflection},
		{Method: "GET", Pattern: "/api/v1/pairs/{pairID}/agreement/versions/{n}/pdf", Handler: s.apiCopyPDF},
	}
}

// apiClosing is a pair's closing summary as the caller may see it.
type apiClosing struct {
	PairID       int64              `json:"pair_id"`
	ProgramID    int64              `json:"program_id"`
	Program      string             `json:"program"`
	Mentors      []string           `json:"mentors"`
	Mentees      []string           `json:"mentees"`
	StartedAt    time.Time          `json:"started_at"`
	EndedAt      time.Time          `json:"ended_at"`
	PlannedEnd   string             `json:"planned_end_on"`
	How          string             `json:"how"`
	EndedBySide  string             `json:"ended_by_side"`
	EndedByMe    bool               `json:"ended_by_me"`
	Reason       string             `json:"reason,omitempty"`
	MeetingsHeld int                `json:"meetings_held"`
	MinMeetings  int                `json:"min_meetings"`
	Goals        []apiClosingGoal   `json:"goals"`
	Reflection   *apiClosingReflect `json:"reflection"`
}

type apiClosingGoal struct {
	Title    string `json:"title"`
	Status   string `json:"status"`
	Progress int    `json:"progress"`
}

type apiClosingReflect struct {
	Body      string    `json:"body"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toAPIClosing(c *agreement.Closing) apiClosing {
	names := func(ms []program.PairMember) []string {
		out := make([]string, 0, len(ms))
		for _, m := range ms {
			out = append(out, m.Name)
		}
		return out
	}
	how := c.Ending.How
	if how == "" {
		how = "unknown" // ended before endings were recorded
	}
	out := apiClosing{
		PairID: c.Pair.ID, ProgramID: c.Pair.ProgramID, Program: c.Pair.ProgramName,
		Mentors: names(c.Pair.Mentors), Mentees: names(c.Pair.Mentees),
		StartedAt: c.Pair.CreatedAt.UTC(), EndedAt: c.Ending.EndedAt.UTC(),
		PlannedEnd: c.PlannedEnd.Format(program.DateLayout),
		How:        how, EndedBySide: c.Ending.Side, EndedByMe: c.ByViewer(), Reason: c.Ending.Reason,
		MeetingsHeld: c.MeetingsHeld, MinMeetings: c.MinMeetings, Goals: []apiClosingGoal{},
	}
	for _, g := range c.Goals {
		out.Goals = append(out.Goals, apiClosingGoal{Title: g.Title, Status: g.Status, Progress: g.Progress})
	}
	if r := c.Reflection; r != nil {
		out.Reflection = &apiClosingReflect{Body: r.Body, UpdatedAt: r.UpdatedAt.UTC()}
	}
	return out
}

// writeClosing answers with the pair's closing summary for the caller.
func (s *API) writeClosing(w http.ResponseWriter, r *http.Request, pairID int64) {
	c, err := s.Agreements.Closing(r.Context(), httpx.User(r), pairID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIClosing(c))
}

type apiEndInput struct {
	Reason    string `json:"reason"`
	NewMentor bool   `json:"new_mentor"`
}

// endingOptionalJSON decodes a body that may be left out altogether; an
// empty body leaves v as it is. A body there is goes through readJSON, so
// it is judged by the same rules as every other.
func endingOptionalJSON(r *http.Request, v any) error {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return httpx.BodyError(err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	return httpx.ReadJSON(r, v)
}

func (s *API) apiEndPairAsMember(w http.ResponseWriter, r *http.Request) {
	// Who may end it is settled before the body is read, so that a
	// stranger learns nothing from how the body is judged.
	id, ok := s.memberInput(w, r, nil)
	if !ok {
		return
	}
	var in apiEndInput
	if err := endingOptionalJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Agreements.EndWith(r.Context(), httpx.User(r), id, agreement.EndRequest{Reason: in.Reason, NewMentor: in.NewMentor}); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeClosing(w, r, id)
}

func (s *API) apiGetClosing(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "pairID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeClosing(w, r, id)
}

type apiReflectionInput struct {
	Body string `json:"body"`
}

func (s *API) apiPutReflection(w http.ResponseWriter, r *http.Request) {
	var in apiReflectionInput
	id, ok := s.memberInput(w, r, &in)
	if !ok {
		return
	}
	if err := s.Agreements.SaveReflection(r.Context(), httpx.User(r), id, in.Body); err != nil {
		s.fail(w, r, httpx.RenameFields(err, map[string]string{"reflection": "body"}))
		return
	}
	s.writeClosing(w, r, id)
}

func (s *API) apiCopyPDF(w http.ResponseWriter, r *http.Request) {
	c, err := s.signedCopy(r, "pairID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeCopyPDF(w, r, c)
}

// signedCopy loads the copy the path names for the person asking.
func (s *API) signedCopy(r *http.Request, pairParam string) (*agreement.Copy, error) {
	id, err := httpx.PathID(r, pairParam)
	if err != nil {
		return nil, err
	}
	n, err := agreement.VersionNumber(r.PathValue("n"))
	if err != nil {
		return nil, err
	}
	return s.Agreements.SignedCopy(r.Context(), httpx.User(r), id, n)
}

// writeCopyPDF answers with the copy as a PDF download in the language of
// r's locale, as the page does. The PDF is built in memory first, so a
// failure is a clean error rather than half a file.
func (s *API) writeCopyPDF(w http.ResponseWriter, r *http.Request, c *agreement.Copy) {
	u := httpx.User(r)
	l := s.locale(r)
	now := s.Clock.Now()
	var buf bytes.Buffer
	if err := agreement.WritePDF(&buf, c.Print(l, u.Timezone, u, now), l, now); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+c.FileName()+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Header().Set("Content-Language", l.Lang())
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}
