package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"mentorskap/internal/httpx"
	"mentorskap/internal/meeting"
	"mentorskap/internal/pairhome"
)

func (s *API) apiMeetingTable() []httpx.Route {
	const m = "/api/v1/pairs/{pairID}/meetings/{meetingID}"
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/v1/pairs/{pairID}/home", Handler: s.apiPairHome},
		{Method: "GET", Pattern: "/api/v1/pairs/{pairID}/meetings", Handler: s.apiListMeetings},
		{Method: "POST", Pattern: "/api/v1/pairs/{pairID}/meetings", Handler: s.apiProposeMeeting},
		{Method: "GET", Pattern: m, Handler: s.apiGetMeeting},
		{Method: "POST", Pattern: m + "/accept", Handler: s.apiAcceptMeeting},
		{Method: "POST", Pattern: m + "/counter", Handler: s.apiRescheduleMeeting(false)},
		{Method: "POST", Pattern: m + "/move", Handler: s.apiRescheduleMeeting(true)},
		{Method: "POST", Pattern: m + "/cancel", Handler: s.apiCancelMeeting},
		{Method: "GET", Pattern: m + "/ics", Handler: s.meetingICS("pairID", "meetingID")},
		{Method: "GET", Pattern: "/api/v1/calendar/feed", Handler: s.apiFeedStatus},
		{Method: "POST", Pattern: "/api/v1/calendar/feed", Handler: s.apiRenewFeed},
		{Method: "DELETE", Pattern: "/api/v1/calendar/feed", Handler: s.apiRevokeFeed},
	}
}

// apiMeeting is a meeting as the caller may see it. For a coordinator of a
// pair whose agreement does not share its meetings, place, online_url and
// cancel_reason are empty and details is false.
type apiMeeting struct {
	ID            int64      `json:"id"`
	PairID        int64      `json:"pair_id"`
	Number        int        `json:"number"`
	Status        string     `json:"status"`
	State         string     `json:"state"`
	StartsAt      time.Time  `json:"starts_at"`
	EndsAt        time.Time  `json:"ends_at"`
	Timezone      string     `json:"timezone"`
	Minutes       int        `json:"minutes"`
	Place         string     `json:"place"`
	OnlineURL     string     `json:"online_url"`
	ProposedBy    *int64     `json:"proposed_by"`
	Sequence      int        `json:"sequence"`
	CancelReason  string     `json:"cancel_reason"`
	CancelledAt   *time.Time `json:"cancelled_at"`
	LateCancel    bool       `json:"late_cancel"`
	EndedWithPair bool       `json:"ended_with_pair"`
	Purpose       string     `json:"purpose"`
	Details       bool       `json:"details"`
	UID           string     `json:"uid"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

func toAPIMeeting(m *meeting.Meeting, details bool, now time.Time) apiMeeting {
	out := apiMeeting{ID: m.ID, PairID: m.PairID, Number: m.Number, Status: m.Status, State: m.State(now),
		StartsAt: m.StartsAt.UTC(), EndsAt: m.EndsAt().UTC(), Timezone: m.Timezone, Minutes: m.Minutes,
		Place: m.Place, OnlineURL: m.OnlineURL, Sequence: m.Sequence, CancelReason: m.CancelReason,
		CancelledAt: apiUTC(m.CancelledAt), LateCancel: m.LateCancel, EndedWithPair: m.EndedWithPair, Purpose: m.Purpose, Details: details, UID: m.UID,
		CreatedAt: m.CreatedAt.UTC(), UpdatedAt: m.UpdatedAt.UTC(), ProposedBy: apiOptID(m.ProposedBy)}
	return out
}

// apiMeetingDetail adds what the caller may do now and, for those who see
// details, the meeting's history.
type apiMeetingDetail struct {
	apiMeeting
	CanAccept  bool        `json:"can_accept"`
	CanCounter bool        `json:"can_counter"`
	CanMove    bool        `json:"can_move"`
	CanCancel  bool        `json:"can_cancel"`
	LateNow    bool        `json:"late_now"`
	History    []apiChange `json:"history"`
	// Options are the times a proposal offers, its own start first; the
	// other side accepts one by its place in this list.
	Options []time.Time `json:"options"`
}

type apiChange struct {
	Kind             string     `json:"kind"`
	UserID           *int64     `json:"user_id"`
	Name             string     `json:"name"`
	StartsAt         time.Time  `json:"starts_at"`
	PreviousStartsAt *time.Time `json:"previous_starts_at"`
	Reason           string     `json:"reason"`
	Late             bool       `json:"late"`
	At               time.Time  `json:"changed_at"`
}

func toAPIDetail(d *meeting.Detail, now time.Time) apiMeetingDetail {
	out := apiMeetingDetail{apiMeeting: toAPIMeeting(d.Meeting, d.Details, now), CanAccept: d.CanAccept,
		CanCounter: d.CanCounter, CanMove: d.CanMove, CanCancel: d.CanCancel, LateNow: d.LateNow, History: []apiChange{},
		Options: make([]time.Time, len(d.Options))}
	for i, t := range d.Options {
		out.Options[i] = t.UTC()
	}
	for _, c := range d.History {
		out.History = append(out.History, apiChange{Kind: c.Kind, UserID: apiOptID(c.UserID), Name: c.Name,
			StartsAt: c.StartsAt.UTC(), PreviousStartsAt: apiUTC(c.Previous), Reason: c.Reason, Late: c.Late, At: c.At.UTC()})
	}
	return out
}

// apiPairMeeting reads the {pairID} and {meetingID} path values.
func apiPairMeeting(r *http.Request) (int64, int64, error) {
	return httpx.PathIDs(r, "pairID", "meetingID")
}

// apiMemberMeeting reads the pair and the meeting of the path and makes sure
// the caller is on the pair before anything reads the body. It answers the
// error itself and returns ok=false when the handler should stop.
func (s *API) apiMemberMeeting(w http.ResponseWriter, r *http.Request) (pairID, mid int64, ok bool) {
	pairID, mid, err := apiPairMeeting(r)
	if err != nil {
		s.fail(w, r, err)
		return 0, 0, false
	}
	if _, ok := s.memberInput(w, r, nil); !ok {
		return 0, 0, false
	}
	return pairID, mid, true
}

func (s *API) apiListMeetings(w http.ResponseWriter, r *http.Request) {
	pairID, err := httpx.PathID(r, "pairID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, ms, _, err := s.Meetings.List(r.Context(), httpx.User(r), pairID, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.Clock.Now()
	out := make([]apiMeeting, 0, len(ms))
	for i := range ms {
		out = append(out, toAPIMeeting(&ms[i], a.Details, now))
	}
	httpx.WritePage(w, r, s.fail, out)
}

func (s *API) apiGetMeeting(w http.ResponseWriter, r *http.Request) {
	pairID, mid, err := apiPairMeeting(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.Meetings.Get(r.Context(), httpx.User(r), pairID, mid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIDetail(d, s.Clock.Now()))
}

// apiProposal is the body that proposes, counters or moves a meeting.
type apiProposal struct {
	StartsOn      string `json:"starts_on"`
	Time          string `json:"time"`
	Timezone      string `json:"timezone"`
	Minutes       int    `json:"minutes"`
	Place         string `json:"place"`
	OnlineURL     string `json:"online_url"`
	Reason        string `json:"reason"`
	ConfirmLength bool   `json:"confirm_length"`
	Purpose       string `json:"purpose"` // a new meeting only
	// MoreTimes are further times offered besides starts_on and time, in
	// the same zone; the other side picks one when accepting.
	MoreTimes []apiSlot `json:"more_times"`
}

type apiSlot struct {
	StartsOn string `json:"starts_on"`
	Time     string `json:"time"`
}

// proposalFieldName is the API's name for a field of the booking form:
// the form's date is starts_on, and option n's date_n and time_n (option 1
// being the proposal's own time) are more_times.<n-2>.starts_on and .time.
func proposalFieldName(f string) string {
	if f == "date" {
		return "starts_on"
	}
	name, n, ok := strings.Cut(f, "_")
	i, err := strconv.Atoi(n)
	if !ok || err != nil || i < 2 || (name != "date" && name != "time") {
		return f
	}
	if name == "date" {
		name = "starts_on"
	}
	return "more_times." + strconv.Itoa(i-2) + "." + name
}

func (s *API) readProposal(r *http.Request) (meeting.Proposal, error) {
	var in apiProposal
	if err := httpx.ReadJSON(r, &in); err != nil {
		return meeting.Proposal{}, err
	}
	if strings.TrimSpace(in.Timezone) == "" {
		in.Timezone = httpx.User(r).Timezone
	}
	p := meeting.Proposal{Date: in.StartsOn, Time: in.Time, Timezone: in.Timezone, Minutes: in.Minutes,
		Place: in.Place, OnlineURL: in.OnlineURL, Reason: in.Reason, ConfirmLength: in.ConfirmLength, Purpose: in.Purpose}
	for _, s := range in.MoreTimes {
		p.More = append(p.More, meeting.Slot{Date: s.StartsOn, Time: s.Time})
	}
	return p, nil
}

func (s *API) apiProposeMeeting(w http.ResponseWriter, r *http.Request) {
	pairID, ok := s.memberInput(w, r, nil)
	if !ok {
		return
	}
	in, err := s.readProposal(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m, err := s.Meetings.Propose(r.Context(), httpx.User(r), pairID, in)
	if err != nil {
		s.fail(w, r, httpx.MapFields(err, proposalFieldName))
		return
	}
	w.Header().Set("Location", httpx.Prefix+"/pairs/"+httpx.Itoa(pairID)+"/meetings/"+httpx.Itoa(m.ID))
	httpx.WriteJSON(w, http.StatusCreated, toAPIMeeting(m, true, s.Clock.Now()))
}

type apiAcceptInput struct {
	// Sequence is the version of the meeting the caller saw; when it no
	// longer matches, nothing is confirmed (409). Left out, it is not
	// checked.
	Sequence *int `json:"sequence"`
	// Option is the place (1-based) in the meeting's options of the time
	// accepted; left out, the first.
	Option *int `json:"option"`
}

func (s *API) apiAcceptMeeting(w http.ResponseWriter, r *http.Request) {
	pairID, mid, ok := s.apiMemberMeeting(w, r)
	if !ok {
		return
	}
	seen, option := -1, 1
	if r.ContentLength != 0 {
		var in apiAcceptInput
		if err := httpx.ReadJSON(r, &in); err != nil {
			s.fail(w, r, err)
			return
		}
		if in.Sequence != nil {
			seen = max(*in.Sequence, 0)
		}
		if in.Option != nil {
			option = *in.Option
		}
	}
	m, err := s.Meetings.AcceptOption(r.Context(), httpx.User(r), pairID, mid, seen, option)
	s.writeMeetingChange(w, r, m, err)
}

func (s *API) apiRescheduleMeeting(move bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		pairID, mid, ok := s.apiMemberMeeting(w, r)
		if !ok {
			return
		}
		in, err := s.readProposal(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		var m *meeting.Meeting
		if move {
			m, err = s.Meetings.Move(r.Context(), httpx.User(r), pairID, mid, in)
		} else {
			m, err = s.Meetings.Counter(r.Context(), httpx.User(r), pairID, mid, in)
		}
		s.writeMeetingChange(w, r, m, err)
	}
}

// writeMeetingChange answers a member's change to a meeting with the
// meeting as the change left it, or with the error in the API's field
// names.
func (s *API) writeMeetingChange(w http.ResponseWriter, r *http.Request, m *meeting.Meeting, err error) {
	if err != nil {
		s.fail(w, r, httpx.MapFields(err, proposalFieldName))
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIMeeting(m, true, s.Clock.Now()))
}

type apiCancelInput struct {
	Reason string `json:"reason"`
}

func (s *API) apiCancelMeeting(w http.ResponseWriter, r *http.Request) {
	pairID, mid, ok := s.apiMemberMeeting(w, r)
	if !ok {
		return
	}
	var in apiCancelInput
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	m, err := s.Meetings.Cancel(r.Context(), httpx.User(r), pairID, mid, in.Reason)
	s.writeMeetingChange(w, r, m, err)
}

type apiFeed struct {
	Active    bool       `json:"active"`
	CreatedAt *time.Time `json:"created_at"`
	// URL is the feed's address, only in the answer that made it.
	URL string `json:"url,omitempty"`
}

func (s *API) apiFeedStatus(w http.ResponseWriter, r *http.Request) {
	since, err := s.Meetings.FeedStatus(r.Context(), httpx.User(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, apiFeed{Active: since != nil, CreatedAt: apiUTC(since)})
}

func (s *API) apiRenewFeed(w http.ResponseWriter, r *http.Request) {
	token, err := s.Meetings.RenewFeed(r.Context(), httpx.User(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.Clock.Now().UTC()
	httpx.WriteJSON(w, http.StatusCreated, apiFeed{Active: true, CreatedAt: &now, URL: s.siteLink("/calendar/" + token + ".ics")})
}

func (s *API) apiRevokeFeed(w http.ResponseWriter, r *http.Request) {
	if err := s.Meetings.RevokeFeed(r.Context(), httpx.User(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// apiPairHome is the pair's home page as data.
type apiPairHome struct {
	Pair           apiPairSummary      `json:"pair"`
	Agreement      apiAgreementState   `json:"agreement"`
	Details        bool                `json:"details"`
	NextMeeting    *apiMeeting         `json:"next_meeting"`
	NoMeetingBook  bool                `json:"no_meeting_booked"`
	Upcoming       []apiMeeting        `json:"upcoming"`
	Timeline       []apiMeeting        `json:"timeline"`
	MeetingsHeld   int                 `json:"meetings_held"`
	LateChanges    []apiLateCount      `json:"late_changes"`
	NextAgenda     *apiAgendaStatus    `json:"next_agenda"`
	OpenActions    []apiActionItem     `json:"open_action_items"`
	OpenActionsAll *int                `json:"open_action_items_total,omitempty"`
	Goals          []apiGoal           `json:"goals"`
	Due            []apiDue            `json:"due"`
	DueUpcoming    []apiDue            `json:"due_upcoming"`
	UnreadMessages int                 `json:"unread_messages"`
	Members        []apiPairHomeMember `json:"members"`
}

type apiPairSummary struct {
	ID          int64     `json:"id"`
	Status      string    `json:"status"`
	ProgramID   int64     `json:"program_id"`
	ProgramName string    `json:"program_name"`
	CreatedAt   time.Time `json:"created_at"`
	MySide      string    `json:"my_side"`
}

type apiPairHomeMember struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
	Side   string `json:"side"`
}

type apiAgreementState struct {
	State           string     `json:"state"`
	StartsOn        string     `json:"starts_on"`
	EndsOn          string     `json:"ends_on"`
	SignedAt        *time.Time `json:"signed_at"`
	MinMeetings     int        `json:"min_meetings"`
	MinMinutes      int        `json:"meeting_min_minutes"`
	MaxMinutes      int        `json:"meeting_max_minutes"`
	NoticeHours     int        `json:"cancel_notice_hours"`
	CoordinatorSees string     `json:"coordinator_sees"`
}

type apiLateCount struct {
	UserID *int64 `json:"user_id"`
	Name   string `json:"name"`
	Count  int    `json:"count"`
}

type apiAgendaStatus struct {
	Items     int        `json:"items"`
	UpdatedAt *time.Time `json:"updated_at"`
	Notes     bool       `json:"notes"`
}

func (s *API) apiPairHome(w http.ResponseWriter, r *http.Request) {
	pairID, err := httpx.PathID(r, "pairID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.Clock.Now()
	h, err := pairhome.Load(r.Context(), s.DB, httpx.User(r), pairID, now, -1, nil, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, p, t := h.Access, h.Access.Pair, h.Access.Terms
	out := apiPairHome{
		Pair: apiPairSummary{ID: p.ID, Status: p.Status, ProgramID: p.ProgramID, ProgramName: p.ProgramName,
			CreatedAt: p.CreatedAt.UTC(), MySide: a.Viewer.Side},
		Agreement: apiAgreementState{State: t.State, StartsOn: t.Start.Format("2006-01-02"), EndsOn: t.End.Format("2006-01-02"),
			SignedAt: apiUTC(t.SignedAt), MinMeetings: t.MinMeetings, MinMinutes: t.MeetingMinMinutes, MaxMinutes: t.MeetingMaxMinutes,
			NoticeHours: t.CancelNoticeHours, CoordinatorSees: t.CoordinatorSees},
		Details: a.Details, NoMeetingBook: h.Next == nil, MeetingsHeld: h.Held,
		Upcoming: []apiMeeting{}, Timeline: []apiMeeting{}, LateChanges: []apiLateCount{},
		OpenActions: []apiActionItem{},
		Goals:       []apiGoal{}, Due: []apiDue{}, UnreadMessages: h.Unread, Members: []apiPairHomeMember{},
	}
	for _, m := range slices.Concat(p.Mentors, p.Mentees) {
		out.Members = append(out.Members, apiPairHomeMember{UserID: m.UserID, Name: m.Name, Side: m.Side})
	}
	if h.Next != nil {
		n := toAPIMeeting(h.Next, a.Details, now)
		out.NextMeeting = &n
		if h.ShowAgenda {
			st := h.NextAgenda()
			out.NextAgenda = &apiAgendaStatus{Items: st.Items, UpdatedAt: apiUTC(st.UpdatedAt), Notes: st.Notes}
		}
	}
	for i := range h.Later {
		out.Upcoming = append(out.Upcoming, toAPIMeeting(&h.Later[i], a.Details, now))
	}
	for i := range h.Timeline {
		out.Timeline = append(out.Timeline, toAPIMeeting(&h.Timeline[i], a.Details, now))
	}
	for _, c := range h.Late {
		out.LateChanges = append(out.LateChanges, apiLateCount{UserID: apiOptID(c.UserID), Name: c.Name, Count: c.Count})
	}
	out.OpenActions = append(out.OpenActions, toAPIActions(h.Actions, false, h.Today)...)
	if a.Member() {
		// Only members' action items are loaded: a coordinator's zero
		// would be a number that is not true.
		total := len(h.Actions) + h.MoreActions
		out.OpenActionsAll = &total
	}
	for i := range h.Goals {
		out.Goals = append(out.Goals, toAPIGoal(&h.Goals[i]))
	}
	out.Due, out.DueUpcoming = toAPIDue(h.Due.Waiting), toAPIDue(h.Due.Upcoming)
	httpx.WriteJSON(w, http.StatusOK, out)
}

// meetingICS answers with a meeting's calendar file, the same as the
// page's.
func (s *API) meetingICS(pair, meetingName string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		pairID, mid, err := httpx.PathIDs(r, pair, meetingName)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		data, m, err := s.Meetings.ICS(r.Context(), httpx.User(r), pairID, mid, s.locale(r), s.siteLink(meeting.MeetingPath(pairID, mid)))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/calendar; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Disposition", `attachment; filename="`+meeting.ICSName(m)+`"`)
		w.WriteHeader(http.StatusOK)
		w.Write(data)
	}
}
