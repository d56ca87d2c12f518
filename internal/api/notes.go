package api

import (
	"net/http"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/meeting"
)

func (s *API) apiNotesTable() []httpx.Route {
	const m = "/api/v1/pairs/{pairID}/meetings/{meetingID}"
	return []httpx.Route{
		{Method: "GET", Pattern: m + "/agenda", Handler: s.apiGetAgenda},
		{Method: "PUT", Pattern: m + "/agenda", Handler: s.apiPutAgenda},
		{Method: "GET", Pattern: m + "/notes", Handler: s.apiGetMeetingNotes},
		{Method: "PUT", Pattern: m + "/notes", Handler: s.apiPutMeetingNotes},
		{Method: "GET", Pattern: m + "/private-note", Handler: s.apiGetPrivateNote},
		{Method: "PUT", Pattern: m + "/private-note", Handler: s.apiPutPrivateNote},
		{Method: "GET", Pattern: m + "/action-items", Handler: s.apiListMeetingActionItems},
		{Method: "POST", Pattern: m + "/action-items", Handler: s.apiCreateActionItem},
		{Method: "POST", Pattern: m + "/action-items/{itemID}/review", Handler: s.apiReviewActionItem},
		{Method: "GET", Pattern: "/api/v1/pairs/{pairID}/action-items", Handler: s.apiListActionItems},
		{Method: "PUT", Pattern: "/api/v1/pairs/{pairID}/action-items/{itemID}", Handler: s.apiUpdateActionItem},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/meeting-plan/{lang}", Handler: s.apiGetMeetingPlan},
		{Method: "PUT", Pattern: "/api/v1/programs/{programID}/meeting-plan/{lang}", Handler: s.apiPutMeetingPlan},
		{Method: "DELETE", Pattern: "/api/v1/programs/{programID}/meeting-plan/{lang}", Handler: s.apiResetMeetingPlan},
	}
}

// ---- Agenda ----

type apiAgendaItem struct {
	// Source is always set in answers; a request may leave it out for own.
	Source string `json:"source,omitempty"`
	Title  string `json:"title"`
	Note   string `json:"note"`
}

type apiPlanItem struct {
	Title       string `json:"title"`
	Description string `json:"description"`
}

type apiAgenda struct {
	MeetingID      int64           `json:"meeting_id"`
	MeetingNumber  int             `json:"meeting_number"`
	Version        int             `json:"version"`
	Items          []apiAgendaItem `json:"items"`
	UpdatedAt      *time.Time      `json:"updated_at"`
	SuggestedTheme *apiPlanItem    `json:"suggested_theme"`
	CanEdit        bool            `json:"can_edit"`
}

type apiAgendaInput struct {
	Version int             `json:"version"`
	Items   []apiAgendaItem `json:"items"`
}

func toAPIAgenda(a *meeting.Agenda) apiAgenda {
	out := apiAgenda{MeetingID: a.Meeting.ID, MeetingNumber: a.Meeting.Number, Version: a.Version,
		Items: []apiAgendaItem{}, UpdatedAt: apiUTC(a.UpdatedAt), CanEdit: a.CanEdit}
	for _, it := range a.Items {
		out.Items = append(out.Items, apiAgendaItem{Source: it.Source, Title: it.Title, Note: it.Note})
	}
	if t := a.Theme; t != nil {
		out.SuggestedTheme = &apiPlanItem{Title: t.Title, Description: t.Description}
	}
	return out
}

func (s *API) apiGetAgenda(w http.ResponseWriter, r *http.Request) {
	pairID, meetingID, err := apiPairMeeting(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.Meetings.Agenda(r.Context(), httpx.User(r), pairID, meetingID, s.locale(r).Lang())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIAgenda(a))
}

func (s *API) apiPutAgenda(w http.ResponseWriter, r *http.Request) {
	var in apiAgendaInput
	pairID, meetingID, ok := s.memberInputAt(w, r, &in, "meetingID")
	if !ok {
		return
	}
	items := make([]meeting.AgendaItem, 0, len(in.Items))
	for _, it := range in.Items {
		items = append(items, meeting.AgendaItem{Source: it.Source, Title: it.Title, Note: it.Note})
	}
	if _, err := s.Meetings.SaveAgenda(r.Context(), httpx.User(r), pairID, meetingID, in.Version, items); err != nil {
		s.fail(w, r, err)
		return
	}
	s.apiGetAgenda(w, r)
}

// ---- Shared and private notes ----

type apiNotes struct {
	MeetingID   int64      `json:"meeting_id"`
	Version     int        `json:"version"`
	SinceLast   string     `json:"since_last"`
	Today       string     `json:"today"`
	TimeMinutes int        `json:"time_minutes"`
	Theme       string     `json:"theme"`
	NextSteps   string     `json:"next_steps"`
	Reflection  string     `json:"reflection"`
	Remember    string     `json:"remember"`
	UpdatedAt   *time.Time `json:"updated_at"`
}

type apiNotesInput struct {
	Version     int    `json:"version"`
	SinceLast   string `json:"since_last"`
	Today       string `json:"today"`
	TimeMinutes int    `json:"time_minutes"`
	Theme       string `json:"theme"`
	NextSteps   string `json:"next_steps"`
	Reflection  string `json:"reflection"`
	Remember    string `json:"remember"`
}

func (s *API) apiGetMeetingNotes(w http.ResponseWriter, r *http.Request) {
	pairID, meetingID, err := apiPairMeeting(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, version, at, err := s.Meetings.SharedNotes(r.Context(), httpx.User(r), pairID, meetingID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, apiNotes{MeetingID: meetingID, Version: version, SinceLast: n.SinceLast,
		Today: n.Today, TimeMinutes: n.TimeMinutes, Theme: n.Theme, NextSteps: n.NextSteps,
		Reflection: n.Reflection, Remember: n.Remember, UpdatedAt: apiUTC(at)})
}

func (s *API) apiPutMeetingNotes(w http.ResponseWriter, r *http.Request) {
	var in apiNotesInput
	pairID, meetingID, ok := s.memberInputAt(w, r, &in, "meetingID")
	if !ok {
		return
	}
	n := meeting.Notes{SinceLast: in.SinceLast, Today: in.Today, TimeMinutes: in.TimeMinutes, Theme: in.Theme,
		NextSteps: in.NextSteps, Reflection: in.Reflection, Remember: in.Remember}
	if _, err := s.Meetings.SaveNotes(r.Context(), httpx.User(r), pairID, meetingID, in.Version, n); err != nil {
		s.fail(w, r, err)
		return
	}
	s.apiGetMeetingNotes(w, r)
}

type apiPrivateNote struct {
	MeetingID int64      `json:"meeting_id"`
	Version   int        `json:"version"`
	Body      string     `json:"body"`
	UpdatedAt *time.Time `json:"updated_at"`
}

type apiPrivateNoteInput struct {
	Version int    `json:"version"`
	Body    string `json:"body"`
}

func (s *API) apiGetPrivateNote(w http.ResponseWriter, r *http.Request) {
	pairID, meetingID, err := apiPairMeeting(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.Meetings.PrivateNote(r.Context(), httpx.User(r), pairID, meetingID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, apiPrivateNote{MeetingID: meetingID, Version: p.Version, Body: p.Body, UpdatedAt: apiUTC(p.UpdatedAt)})
}

func (s *API) apiPutPrivateNote(w http.ResponseWriter, r *http.Request) {
	var in apiPrivateNoteInput
	pairID, meetingID, ok := s.memberInputAt(w, r, &in, "meetingID")
	if !ok {
		return
	}
	if _, err := s.Meetings.SavePrivateNote(r.Context(), httpx.User(r), pairID, meetingID, in.Version, in.Body); err != nil {
		s.fail(w, r, err)
		return
	}
	s.apiGetPrivateNote(w, r)
}

// ---- Action items ----

type apiActionItem struct {
	ID              int64     `json:"id"`
	MeetingID       int64     `json:"meeting_id"`
	Text            string    `json:"text"`
	OwnerID         *int64    `json:"owner_user_id"`
	OwnerName       string    `json:"owner_name"`
	DueOn           *string   `json:"due_on"`
	GoalID          *int64    `json:"goal_id"`
	GoalTitle       string    `json:"goal_title"`
	Status          string    `json:"status"`
	ClosedMeetingID *int64    `json:"closed_meeting_id"`
	CarriedOver     int       `json:"carried_over"`
	Overdue         bool      `json:"overdue"`
	Outcome         *string   `json:"outcome,omitempty"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

type apiActionInput struct {
	Text    string `json:"text"`
	OwnerID int64  `json:"owner_user_id"`
	DueOn   string `json:"due_on"`
	GoalID  *int64 `json:"goal_id"`
}

func (in apiActionInput) domain() meeting.ActionInput {
	out := meeting.ActionInput{Text: in.Text, OwnerID: in.OwnerID, Due: in.DueOn}
	if in.GoalID != nil {
		out.GoalID = *in.GoalID
	}
	return out
}

// apiOptID writes an id that may be missing (0 in the domain) as null.
func apiOptID(n int64) *int64 {
	if n == 0 {
		return nil
	}
	return &n
}

// toAPIAction writes an item as seen on the day today (see meeting.Today);
// withOutcome adds what the meeting being read decided about it.
func toAPIAction(a meeting.ActionItem, withOutcome bool, today string) apiActionItem {
	out := apiActionItem{ID: a.ID, MeetingID: a.MeetingID, Text: a.Text, OwnerID: apiOptID(a.OwnerID), OwnerName: a.OwnerName,
		GoalID: apiOptID(a.GoalID), GoalTitle: a.GoalTitle, Status: a.Status, ClosedMeetingID: apiOptID(a.ClosedMeetingID),
		CarriedOver: a.Carried, Overdue: a.Overdue(today), CreatedAt: a.CreatedAt.UTC(), UpdatedAt: a.UpdatedAt.UTC()}
	if a.Due != "" {
		out.DueOn = &a.Due
	}
	if withOutcome {
		o := a.Outcome
		out.Outcome = &o
	}
	return out
}

func toAPIActions(items []meeting.ActionItem, withOutcome bool, today string) []apiActionItem {
	out := make([]apiActionItem, 0, len(items))
	for _, a := range items {
		out = append(out, toAPIAction(a, withOutcome, today))
	}
	return out
}

func (s *API) apiListActionItems(w http.ResponseWriter, r *http.Request) {
	pairID, err := httpx.PathID(r, "pairID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, err := s.Meetings.ActionItems(r.Context(), httpx.User(r), pairID, r.URL.Query().Get("status") == meeting.ActionOpen)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WritePage(w, r, s.fail, toAPIActions(items, false, s.today(r)))
}

type apiMeetingActions struct {
	Agreed []apiActionItem `json:"agreed"`
	Review []apiActionItem `json:"review"`
}

func (s *API) apiListMeetingActionItems(w http.ResponseWriter, r *http.Request) {
	pairID, meetingID, err := apiPairMeeting(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	agreed, review, err := s.Meetings.MeetingActionItems(r.Context(), httpx.User(r), pairID, meetingID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	today := s.today(r)
	httpx.WriteJSON(w, http.StatusOK, apiMeetingActions{Agreed: toAPIActions(agreed, false, today), Review: toAPIActions(review, true, today)})
}

func (s *API) apiCreateActionItem(w http.ResponseWriter, r *http.Request) {
	var in apiActionInput
	pairID, meetingID, ok := s.memberInputAt(w, r, &in, "meetingID")
	if !ok {
		return
	}
	a, err := s.Meetings.AddActionItem(r.Context(), httpx.User(r), pairID, meetingID, in.domain())
	s.writeActionItem(w, r, http.StatusCreated, a, err)
}

func (s *API) apiUpdateActionItem(w http.ResponseWriter, r *http.Request) {
	var in apiActionInput
	pairID, itemID, ok := s.memberInputAt(w, r, &in, "itemID")
	if !ok {
		return
	}
	a, err := s.Meetings.UpdateActionItem(r.Context(), httpx.User(r), pairID, itemID, in.domain())
	s.writeActionItem(w, r, http.StatusOK, a, err)
}

// writeActionItem answers a create or an update of an action item with the
// item, or with the error in the API's field names.
func (s *API) writeActionItem(w http.ResponseWriter, r *http.Request, code int, a *meeting.ActionItem, err error) {
	if err != nil {
		s.fail(w, r, httpx.RenameFields(err, map[string]string{"owner": "owner_user_id", "goal": "goal_id", "due": "due_on"}))
		return
	}
	httpx.WriteJSON(w, code, toAPIAction(*a, false, s.today(r)))
}

type apiReviewInput struct {
	Outcome string `json:"outcome"`
}

func (s *API) apiReviewActionItem(w http.ResponseWriter, r *http.Request) {
	var in apiReviewInput
	pairID, meetingID, ok := s.memberInputAt(w, r, &in, "meetingID")
	if !ok {
		return
	}
	itemID, err := httpx.PathID(r, "itemID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.Meetings.ReviewActionItem(r.Context(), httpx.User(r), pairID, meetingID, itemID, in.Outcome)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIAction(*a, true, s.today(r)))
}

// ---- Meeting plan ----

type apiPlan struct {
	ProgramID  int64         `json:"program_id"`
	Language   string        `json:"language"`
	Version    int           `json:"version"`
	Custom     bool          `json:"custom"`
	UpdatedAt  *time.Time    `json:"updated_at"`
	Themes     []apiPlanItem `json:"themes"`
	Topics     []apiPlanItem `json:"topics"`
	Activities []apiPlanItem `json:"activities"`
}

// apiPlanInput replaces the lists it holds and keeps those it leaves out.
type apiPlanInput struct {
	Version    int            `json:"version"`
	Themes     *[]apiPlanItem `json:"themes"`
	Topics     *[]apiPlanItem `json:"topics"`
	Activities *[]apiPlanItem `json:"activities"`
}

func toAPIPlan(p *meeting.Plan) apiPlan {
	list := func(items []meeting.PlanItem) []apiPlanItem {
		out := make([]apiPlanItem, 0, len(items))
		for _, it := range items {
			out = append(out, apiPlanItem{Title: it.Title, Description: it.Description})
		}
		return out
	}
	return apiPlan{ProgramID: p.ProgramID, Language: p.Lang, Version: p.Version, Custom: p.Custom(),
		UpdatedAt: apiUTC(p.UpdatedAt), Themes: list(p.Themes), Topics: list(p.Topics), Activities: list(p.Activities)}
}

// apiPlanFields names plan fields as the API spells them.
var apiPlanFields = map[string]string{
	meeting.KindTheme: "themes", meeting.KindTopic: "topics", meeting.KindActivity: "activities",
}

func (s *API) apiGetMeetingPlan(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, p, err := s.Meetings.Plan(r.Context(), httpx.User(r), id, r.PathValue("lang"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIPlan(p))
}

func (s *API) apiPutMeetingPlan(w http.ResponseWriter, r *http.Request) {
	var in apiPlanInput
	prog, ok := s.coordinatorInput(w, r, &in)
	if !ok {
		return
	}
	lists := map[string][]meeting.PlanItem{}
	for kind, l := range map[string]*[]apiPlanItem{meeting.KindTheme: in.Themes, meeting.KindTopic: in.Topics, meeting.KindActivity: in.Activities} {
		if l == nil {
			continue
		}
		items := make([]meeting.PlanItem, 0, len(*l))
		for _, it := range *l {
			items = append(items, meeting.PlanItem{Title: it.Title, Description: it.Description})
		}
		lists[kind] = items
	}
	p, err := s.Meetings.SavePlan(r.Context(), httpx.User(r), prog.ID, r.PathValue("lang"), in.Version, lists)
	if err != nil {
		s.fail(w, r, apiPlanFieldNames(err))
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIPlan(p))
}

// apiPlanFieldNames renames "topic.3.title" to "topics.3.title".
func apiPlanFieldNames(err error) error {
	e, ok := errs.As(err)
	if !ok {
		return err
	}
	names := map[string]string{}
	for f := range e.Fields {
		for kind, api := range apiPlanFields {
			if f == kind || len(f) > len(kind) && f[:len(kind)+1] == kind+"." {
				names[f] = api + f[len(kind):]
			}
		}
	}
	return httpx.RenameFields(err, names)
}

func (s *API) apiResetMeetingPlan(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := r.PathValue("lang")
	if err := s.Meetings.ResetPlan(r.Context(), httpx.User(r), id, lang); err != nil {
		s.fail(w, r, err)
		return
	}
	_, p, err := s.Meetings.Plan(r.Context(), httpx.User(r), id, lang)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIPlan(p))
}
