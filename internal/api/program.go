package api

import (
	"net/http"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
)

// apiProgram is a program as the API shows it to one person. Counts are
// there only for those who run the program; my_status only for those who
// take part in it.
type apiProgram struct {
	ID                int64        `json:"id"`
	Name              string       `json:"name"`
	Purpose           string       `json:"purpose"`
	Goals             string       `json:"goals"`
	FocusAreas        string       `json:"focus_areas"`
	StartsOn          string       `json:"starts_on"`
	EndsOn            string       `json:"ends_on"`
	MinMeetings       int          `json:"min_meetings"`
	MaxGapDays        int          `json:"max_gap_days"`
	MeetingMinMinutes int          `json:"meeting_min_minutes"`
	MeetingMaxMinutes int          `json:"meeting_max_minutes"`
	MessagesAllowed   bool         `json:"messages_allowed"`
	EvalFollowup      bool         `json:"eval_followup"`
	EvalMidpoint      bool         `json:"eval_midpoint"`
	EvalFinal         bool         `json:"eval_final"`
	DefaultLanguage   string       `json:"default_language"`
	JoinEnabled       bool         `json:"join_enabled"`
	JoinRole          string       `json:"join_role"`
	RoleNames         apiRoleNames `json:"role_names,omitempty"`
	// JoinURL is the address of the join link, for the program's
	// coordinators only and while the link is on; left out otherwise.
	JoinURL   string            `json:"join_url,omitempty"`
	MyRole    string            `json:"my_role"`
	MyStatus  string            `json:"my_status,omitempty"`
	Counts    *apiProgramCounts `json:"counts,omitempty"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
}

type apiProgramCounts struct {
	Pending      int `json:"pending"`
	Participants int `json:"participants"`
	ActivePairs  int `json:"active_pairs"`
}

func toAPIProgram(p *program.Program, role program.Role) apiProgram {
	return apiProgram{
		ID: p.ID, Name: p.Name, Purpose: p.Purpose, Goals: p.Goals, FocusAreas: p.FocusAreas,
		StartsOn: p.Start.Format(program.DateLayout), EndsOn: p.End.Format(program.DateLayout),
		MinMeetings: p.MinMeetings, MaxGapDays: p.MaxGapDays,
		MeetingMinMinutes: p.MeetingMinMinutes, MeetingMaxMinutes: p.MeetingMaxMinutes,
		MessagesAllowed: p.MessagesAllowed, EvalFollowup: p.EvalFollowup, EvalMidpoint: p.EvalMidpoint, EvalFinal: p.EvalFinal,
		DefaultLanguage: p.DefaultLanguage, JoinEnabled: p.JoinEnabled, JoinRole: p.JoinRole,
		RoleNames: roleNamesOf(p),
		MyRole:    string(role),
		CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC(),
	}
}

// apiRoleNames is what a program calls its roles: language → role → the
// word's forms separated by commas, as the settings form takes them.
type apiRoleNames map[string]map[string]string

// roleNamesOf lists only the languages and roles a program has renamed.
func roleNamesOf(p *program.Program) apiRoleNames {
	out := apiRoleNames{}
	for lang, words := range p.Roles {
		for role := range words {
			if out[lang] == nil {
				out[lang] = map[string]string{}
			}
			out[lang][role] = p.RoleText(role, lang)
		}
	}
	return out
}

// programInput is the body of POST and PATCH. Fields left out keep their
// value: the program's current one for PATCH, the seed defaults for POST.
type programInput struct {
	Name              *string `json:"name"`
	Purpose           *string `json:"purpose"`
	Goals             *string `json:"goals"`
	FocusAreas        *string `json:"focus_areas"`
	StartsOn          *string `json:"starts_on"`
	EndsOn            *string `json:"ends_on"`
	MinMeetings       *int    `json:"min_meetings"`
	MaxGapDays        *int    `json:"max_gap_days"`
	MeetingMinMinutes *int    `json:"meeting_min_minutes"`
	MeetingMaxMinutes *int    `json:"meeting_max_minutes"`
	MessagesAllowed   *bool   `json:"messages_allowed"`
	EvalFollowup      *bool   `json:"eval_followup"`
	EvalMidpoint      *bool   `json:"eval_midpoint"`
	EvalFinal         *bool   `json:"eval_final"`
	DefaultLanguage   *string `json:"default_language"`
	JoinEnabled       *bool   `json:"join_enabled"`
	JoinRole          *string `json:"join_role"`
	// RoleNames changes the role words it names and keeps the others; an
	// empty text returns a role to the usual word.
	RoleNames apiRoleNames `json:"role_names"`
}

func overlay[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

func (in programInput) over(base program.Settings) program.Settings {
	overlay(&base.Name, in.Name)
	overlay(&base.Purpose, in.Purpose)
	overlay(&base.Goals, in.Goals)
	overlay(&base.FocusAreas, in.FocusAreas)
	overlay(&base.Start, in.StartsOn)
	overlay(&base.End, in.EndsOn)
	overlay(&base.MinMeetings, in.MinMeetings)
	overlay(&base.MaxGapDays, in.MaxGapDays)
	overlay(&base.MeetingMinMinutes, in.MeetingMinMinutes)
	overlay(&base.MeetingMaxMinutes, in.MeetingMaxMinutes)
	overlay(&base.MessagesAllowed, in.MessagesAllowed)
	overlay(&base.EvalFollowup, in.EvalFollowup)
	overlay(&base.EvalMidpoint, in.EvalMidpoint)
	overlay(&base.EvalFinal, in.EvalFinal)
	overlay(&base.DefaultLanguage, in.DefaultLanguage)
	overlay(&base.JoinEnabled, in.JoinEnabled)
	overlay(&base.JoinRole, in.JoinRole)
	if in.RoleNames != nil {
		names := map[string]map[string]string{}
		for lang, roles := range base.RoleNames {
			names[lang] = map[string]string{}
			for role, text := range roles {
				names[lang][role] = text
			}
		}
		for lang, roles := range in.RoleNames {
			if names[lang] == nil {
				names[lang] = map[string]string{}
			}
			for role, text := range roles {
				names[lang][role] = text
			}
		}
		base.RoleNames = names
	}
	return base
}

// programFieldNames maps the domain's form field names to the API's.
var programFieldNames = func() map[string]string {
	m := map[string]string{"start": "starts_on", "end": "ends_on"}
	for _, lang := range i18n.Languages {
		for _, role := range i18n.Roles {
			m[program.RoleField(role, lang)] = "role_names." + lang + "." + role
		}
	}
	return m
}()

func (s *API) apiListPrograms(w http.ResponseWriter, r *http.Request) {
	coordinated, participating, err := s.Programs.Mine(r.Context(), httpx.User(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiProgram, 0, len(coordinated)+len(participating))
	seen := map[int64]bool{}
	for _, sum := range coordinated {
		p := toAPIProgram(&sum.Program, sum.Role)
		p.Counts = &apiProgramCounts{Pending: sum.Pending, Participants: sum.Participants, ActivePairs: sum.ActivePairs}
		out = append(out, p)
		seen[sum.ID] = true
	}
	for _, sum := range participating {
		if seen[sum.ID] {
			continue
		}
		p := toAPIProgram(&sum.Program, sum.Role)
		p.MyStatus = sum.Status
		out = append(out, p)
	}
	httpx.WritePage(w, r, s.fail, out)
}

func (s *API) apiCreateProgram(w http.ResponseWriter, r *http.Request) {
	var in programInput
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	base := program.SettingsOf(program.Defaults(s.Clock.Now(), s.locale(r).Lang()))
	p, err := s.Programs.Create(r.Context(), httpx.User(r), in.over(base))
	if err != nil {
		s.fail(w, r, httpx.RenameFields(err, programFieldNames))
		return
	}
	w.Header().Set("Location", httpx.Prefix+"/programs/"+httpx.Itoa(p.ID))
	httpx.WriteJSON(w, http.StatusCreated, s.programView(r, p, program.RoleCoordinator))
}

func (s *API) apiGetProgram(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, role, err := s.Programs.RequireMember(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, s.programView(r, p, role))
}

func (s *API) apiUpdateProgram(w http.ResponseWriter, r *http.Request) {
	var in programInput
	cur, ok := s.coordinatorInput(w, r, &in)
	if !ok {
		return
	}
	id := cur.ID
	p, err := s.Programs.Update(r.Context(), httpx.User(r), id, in.over(program.SettingsOf(*cur)))
	if err != nil {
		s.fail(w, r, httpx.RenameFields(err, programFieldNames))
		return
	}
	httpx.WriteJSON(w, http.StatusOK, s.programView(r, p, program.RoleCoordinator))
}

// programView adds what the caller's role entitles them to see: the
// participant status of a mentor or mentee.
func (s *API) programView(r *http.Request, p *program.Program, role program.Role) apiProgram {
	out := toAPIProgram(p, role)
	if role == program.RoleCoordinator && p.JoinEnabled {
		out.JoinURL = s.Outbox.Link("/join/" + p.JoinToken)
	}
	if role == program.RoleMentor || role == program.RoleMentee {
		if part, err := program.GetParticipant(r.Context(), s.DB, p.ID, httpx.User(r).ID); err == nil {
			out.MyStatus = part.Status
		}
	}
	return out
}

// apiParticipant is a participant with the profile coordinators match on.
type apiParticipant struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
	Email  string `json:"email"`
	Role   string `json:"role"`
	Status string `json:"status"`
	apiProfile
	Timezone  string     `json:"timezone"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	DecidedAt *time.Time `json:"decided_at"`
}

// apiWishes are what a mentee asks of their mentor; matching scores them.
type apiWishes struct {
	SameField bool   `json:"same_field"`
	InPerson  bool   `json:"in_person"`
	Language  string `json:"language"`
	Stage     string `json:"stage"`
}

func toAPIParticipant(p *program.Participant) apiParticipant {
	return apiParticipant{
		UserID: p.UserID, Name: p.Name, Email: p.Email, Role: p.Role, Status: p.Status,
		apiProfile: toAPIProfile(p), Timezone: p.Timezone,
		CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC(), DecidedAt: apiUTC(p.DecidedAt),
	}
}

func (s *API) apiListParticipants(w http.ResponseWriter, r *http.Request) {
	// Authorize first: strangers get 404 and never learn the filter rules.
	p, ok := s.coordinatorInput(w, r, nil)
	if !ok {
		return
	}
	id := p.ID
	q := r.URL.Query()
	f := program.ParticipantFilter{Search: q.Get("q"), Role: q.Get("role"), Status: q.Get("status")}
	// An unknown filter value is a mistake in the client, not "match
	// nothing": say so.
	var v errs.Validation
	v.Check(f.Role == "" || f.Role == string(program.RoleMentor) || f.Role == string(program.RoleMentee),
		"role", "error.choice_invalid")
	v.Check(f.Status == "" || f.Status == program.StatusPending || f.Status == program.StatusApproved ||
		f.Status == program.StatusDeclined, "status", "error.choice_invalid")
	if err := v.Err(); err != nil {
		s.fail(w, r, err)
		return
	}
	ps, err := program.ListParticipants(r.Context(), s.DB, id, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiParticipant, 0, len(ps))
	for i := range ps {
		out = append(out, toAPIParticipant(&ps[i]))
	}
	httpx.WritePage(w, r, s.fail, out)
}

func (s *API) apiApproveParticipant(w http.ResponseWriter, r *http.Request) {
	s.apiDecide(w, r, true)
}

func (s *API) apiDeclineParticipant(w http.ResponseWriter, r *http.Request) {
	s.apiDecide(w, r, false)
}

func (s *API) apiDecide(w http.ResponseWriter, r *http.Request, approve bool) {
	id, userID, err := httpx.PathIDs(r, "id", "userID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Programs.Decide(r.Context(), httpx.User(r), id, userID, approve); err != nil {
		s.fail(w, r, err)
		return
	}
	// Decide has checked that the caller runs the program.
	p, err := program.GetParticipant(r.Context(), s.DB, id, userID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIParticipant(p))
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
