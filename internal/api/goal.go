package api

import (
	"net/http"
	"strconv"
	"time"

	"mentorskap/internal/goal"
	"mentorskap/internal/httpx"
	"mentorskap/internal/meeting"
)

func (s *API) apiGoalTable() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/v1/pairs/{pairID}/goals", Handler: s.apiListGoals},
		{Method: "POST", Pattern: "/api/v1/pairs/{pairID}/goals", Handler: s.apiCreateGoal},
		{Method: "GET", Pattern: "/api/v1/pairs/{pairID}/goals/{goalID}", Handler: s.apiGetGoal},
		{Method: "PATCH", Pattern: "/api/v1/pairs/{pairID}/goals/{goalID}", Handler: s.apiUpdateGoal},
		{Method: "DELETE", Pattern: "/api/v1/pairs/{pairID}/goals/{goalID}", Handler: s.apiDeleteGoal},
		{Method: "POST", Pattern: "/api/v1/pairs/{pairID}/goals/{goalID}/meetings", Handler: s.apiLinkGoalMeeting},
		{Method: "DELETE", Pattern: "/api/v1/pairs/{pairID}/goals/{goalID}/meetings/{meetingID}", Handler: s.apiUnlinkGoalMeeting},
	}
}

type apiGoal struct {
	ID                   int64     `json:"id"`
	ParentID             *int64    `json:"parent_id"`
	Title                string    `json:"title"`
	Measure              string    `json:"measure"`
	TargetOn             *string   `json:"target_on"`
	Status               string    `json:"status"`
	Progress             int       `json:"progress"`
	OwnProgress          int       `json:"own_progress"`
	ProgressFromSubGoals bool      `json:"progress_from_sub_goals"`
	FromAgreement        bool      `json:"from_agreement"`
	InAgreement          bool      `json:"in_agreement"`
	Version              int       `json:"version"`
	CreatedAt            time.Time `json:"created_at"`
	UpdatedAt            time.Time `json:"updated_at"`
	SubGoals             []apiGoal `json:"sub_goals"`
}

func toAPIGoal(g *goal.Goal) apiGoal {
	out := apiGoal{ID: g.ID, Title: g.Title, Measure: g.Measure, Status: g.Status, Progress: g.Progress,
		OwnProgress: g.OwnProgress, ProgressFromSubGoals: g.Derived(), FromAgreement: g.AgreementKey != "",
		InAgreement: g.InAgreement, Version: g.Version, CreatedAt: g.CreatedAt.UTC(), UpdatedAt: g.UpdatedAt.UTC(),
		SubGoals: []apiGoal{}, ParentID: apiOptID(g.ParentID)}
	if g.TargetDate != "" {
		out.TargetOn = &g.TargetDate
	}
	for i := range g.SubGoals {
		out.SubGoals = append(out.SubGoals, toAPIGoal(&g.SubGoals[i]))
	}
	return out
}

// goalFieldNames are the API's names for the goal fields the domain names
// otherwise, in validation errors and in a history entry's field.
var goalFieldNames = map[string]string{"target_date": "target_on"}

type apiGoalEvent struct {
	At          time.Time `json:"changed_at"`
	UserID      *int64    `json:"user_id"`
	UserName    string    `json:"user_name"`
	ByAgreement bool      `json:"by_agreement"`
	Field       string    `json:"field"`
	Old         string    `json:"old"`
	New         string    `json:"new"`
}

type apiGoalMeeting struct {
	ID       int64     `json:"id"`
	StartsAt time.Time `json:"starts_at"`
	Minutes  int       `json:"minutes"`
	Status   string    `json:"status"`
}

type apiGoalItem struct {
	ID        int64   `json:"id"`
	MeetingID int64   `json:"meeting_id"`
	Text      string  `json:"text"`
	OwnerName string  `json:"owner_name"`
	DueOn     *string `json:"due_on"`
	Status    string  `json:"status"`
	Overdue   bool    `json:"overdue"`
}

type apiGoalDetail struct {
	apiGoal
	History     []apiGoalEvent   `json:"history"`
	Meetings    []apiGoalMeeting `json:"meetings"`
	ActionItems []apiGoalItem    `json:"action_items"`
}

// toAPIGoalDetail writes a goal's page as seen on the day today (see
// meeting.Today).
func toAPIGoalDetail(d *goal.Detail, today string) apiGoalDetail {
	out := apiGoalDetail{apiGoal: toAPIGoal(d.Goal), History: []apiGoalEvent{}, Meetings: []apiGoalMeeting{},
		ActionItems: []apiGoalItem{}}
	for _, e := range d.History {
		out.History = append(out.History, apiGoalEvent{At: e.At.UTC(), UserID: apiOptID(e.UserID), UserName: e.UserName,
			ByAgreement: e.ByAgreement, Field: apiGoalField(e.Field), Old: e.Old, New: e.New})
	}
	for _, m := range d.Meetings {
		out.Meetings = append(out.Meetings, apiGoalMeeting{ID: m.ID, StartsAt: m.StartsAt.UTC(), Minutes: m.Minutes, Status: m.Status})
	}
	for _, i := range d.Items {
		it := apiGoalItem{ID: i.ID, MeetingID: i.MeetingID, Text: i.Text, OwnerName: i.OwnerName, Status: i.Status,
			Overdue: meeting.ActionOverdue(i.Status, i.Due, today)}
		if i.Due != "" {
			it.DueOn = &i.Due
		}
		out.ActionItems = append(out.ActionItems, it)
	}
	return out
}

// apiGoalField is the API's name for a field a history entry names.
func apiGoalField(f string) string {
	if n, ok := goalFieldNames[f]; ok {
		return n
	}
	return f
}

// apiGoalIDs reads the pair and goal ids from the path.
func apiGoalIDs(r *http.Request) (pairID, goalID int64, err error) {
	return httpx.PathIDs(r, "pairID", "goalID")
}

func (s *API) apiListGoals(w http.ResponseWriter, r *http.Request) {
	pairID, err := httpx.PathID(r, "pairID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, gs, err := s.Goals.List(r.Context(), httpx.User(r), pairID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiGoal, 0, len(gs))
	for i := range gs {
		out = append(out, toAPIGoal(&gs[i]))
	}
	httpx.WritePage(w, r, s.fail, out)
}

type apiGoalInput struct {
	ParentID *int64 `json:"parent_id"`
	Title    string `json:"title"`
	Measure  string `json:"measure"`
	TargetOn string `json:"target_on"`
}

func (s *API) apiCreateGoal(w http.ResponseWriter, r *http.Request) {
	pairID, err := httpx.PathID(r, "pairID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in apiGoalInput
	if _, ok := s.memberInput(w, r, &in); !ok {
		return
	}
	gi := goal.Input{Title: in.Title, Measure: in.Measure, TargetDate: in.TargetOn}
	if in.ParentID != nil {
		gi.ParentID = *in.ParentID
		if gi.ParentID == 0 {
			gi.ParentID = -1 // 0 names no goal; only a missing parent_id means top level
		}
	}
	g, err := s.Goals.Create(r.Context(), httpx.User(r), pairID, gi)
	if err != nil {
		s.fail(w, r, httpx.RenameFields(err, goalFieldNames))
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, toAPIGoal(g))
}

func (s *API) apiGetGoal(w http.ResponseWriter, r *http.Request) {
	pairID, goalID, err := apiGoalIDs(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.Goals.Get(r.Context(), httpx.User(r), pairID, goalID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIGoalDetail(d, s.today(r)))
}

type apiGoalUpdate struct {
	Version  *int    `json:"version"`
	Title    *string `json:"title"`
	Measure  *string `json:"measure"`
	TargetOn *string `json:"target_on"`
	Status   *string `json:"status"`
	Progress *int    `json:"progress"`
}

func (s *API) apiUpdateGoal(w http.ResponseWriter, r *http.Request) {
	pairID, goalID, err := apiGoalIDs(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in apiGoalUpdate
	if _, ok := s.memberInput(w, r, &in); !ok {
		return
	}
	up := goal.Update{Title: in.Title, Measure: in.Measure, TargetDate: in.TargetOn, Status: in.Status, Progress: in.Progress}
	if in.Version != nil {
		up.Version = *in.Version
	}
	g, err := s.Goals.Update(r.Context(), httpx.User(r), pairID, goalID, up)
	if err != nil {
		s.fail(w, r, httpx.RenameFields(err, goalFieldNames))
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIGoal(g))
}

func (s *API) apiDeleteGoal(w http.ResponseWriter, r *http.Request) {
	pairID, goalID, err := apiGoalIDs(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// A missing or malformed version reads as 0 and is refused: a goal is
	// never deleted without knowing which state of it the caller saw.
	version, _ := strconv.Atoi(r.URL.Query().Get("version"))
	if err := s.Goals.Delete(r.Context(), httpx.User(r), pairID, goalID, version); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type apiGoalMeetingInput struct {
	MeetingID int64 `json:"meeting_id"`
}

func (s *API) apiLinkGoalMeeting(w http.ResponseWriter, r *http.Request) {
	pairID, goalID, err := apiGoalIDs(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in apiGoalMeetingInput
	if _, ok := s.memberInput(w, r, &in); !ok {
		return
	}
	if err := s.Goals.LinkMeeting(r.Context(), httpx.User(r), pairID, goalID, in.MeetingID); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *API) apiUnlinkGoalMeeting(w http.ResponseWriter, r *http.Request) {
	pairID, goalID, err := apiGoalIDs(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	meetingID, err := httpx.PathID(r, "meetingID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Goals.UnlinkMeeting(r.Context(), httpx.User(r), pairID, goalID, meetingID); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
