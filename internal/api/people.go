package api

import (
	"errors"
	"mime"
	"net/http"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/notify"
	"mentorskap/internal/program"
)

// The people side of the API: what an administrator does with accounts,
// what a coordinator does with co-coordinators and invitations, and what a
// participant does to get in and describe themselves. Each operation is the
// API twin of a page and calls the same domain method, so the rules (who
// may, what is checked, who is told) are the pages' rules.
func (s *API) apiPeopleTable() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/v1/users", Handler: s.requireAdmin(s.apiListUsers)},
		{Method: "POST", Pattern: "/api/v1/users", Handler: s.requireAdmin(s.apiCreateUser)},
		{Method: "PUT", Pattern: "/api/v1/users/{userID}/role", Handler: s.requireAdmin(s.apiSetRole)},
		{Method: "GET", Pattern: "/api/v1/outbox", Handler: s.requireAdmin(s.apiOutbox)},

		{Method: "GET", Pattern: "/api/v1/programs/{programID}/coordinators", Handler: s.apiListCoordinators},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/coordinators", Handler: s.apiAddCoordinator},
		{Method: "DELETE", Pattern: "/api/v1/programs/{programID}/coordinators/{userID}", Handler: s.apiRemoveCoordinator},

		{Method: "POST", Pattern: "/api/v1/programs/{programID}/invitations/upload", Handler: s.apiInviteCSV},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/invitations/{invitationID}/resend", Handler: s.apiResendInvitation},

		{Method: "POST", Pattern: "/api/v1/invitations/{token}/accept", Handler: s.apiAcceptInvitation, Public: true},
		{Method: "POST", Pattern: "/api/v1/join/{token}", Handler: s.apiJoin, Public: true},

		{Method: "GET", Pattern: "/api/v1/programs/{programID}/profile", Handler: s.apiMyProfile},
		{Method: "PUT", Pattern: "/api/v1/programs/{programID}/profile", Handler: s.apiSaveMyProfile},
		{Method: "GET", Pattern: "/api/v1/me/pairs", Handler: s.apiMyPairs},
		{Method: "PUT", Pattern: "/api/v1/me/password", Handler: s.apiChangePassword},
	}
}

// ---- administrators ----

func (s *API) apiListUsers(w http.ResponseWriter, r *http.Request) {
	users, err := s.Accounts.List(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiUser, 0, len(users))
	for i := range users {
		out = append(out, toAPIUser(&users[i]))
	}
	httpx.WritePage(w, r, s.fail, out)
}

type newUserInput struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Language string `json:"language"`
}

// apiCreateUser creates a coordinator's account, as the people page does:
// with a welcome email whose link sets the password. Another role is given
// afterwards with PUT /users/{userID}/role; participants come in through
// invitations and join links instead.
func (s *API) apiCreateUser(w http.ResponseWriter, r *http.Request) {
	var in newUserInput
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.Accounts.AddCoordinator(r.Context(), httpx.User(r), account.NewCoordinator{Email: in.Email, Name: in.Name, Language: in.Language})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", httpx.Prefix+"/users/"+httpx.Itoa(u.ID))
	httpx.WriteJSON(w, http.StatusCreated, toAPIUser(u))
}

type roleInput struct {
	Role string `json:"role"`
}

func (s *API) apiSetRole(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "userID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in roleInput
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Accounts.SetRole(r.Context(), httpx.User(r), id, in.Role); err != nil {
		s.fail(w, r, httpx.RenameFields(fieldless(err, "role"), nil))
		return
	}
	u, err := s.Accounts.ByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIUser(u))
}

// fieldless names field on a validation error that came without one, so
// that a 422 always says which field is wrong.
func fieldless(err error, field string) error {
	e, ok := errs.As(err)
	if !ok || e.Kind != errs.Invalid || len(e.Fields) > 0 {
		return err
	}
	out := *e
	out.Fields = map[string]errs.Msg{field: {Key: e.Key, Args: e.Args}}
	return &out
}

// apiEnvelope is an outbox row without its body: who was written to, why
// and whether it went out. Bodies hold sign-in links and are never served.
type apiEnvelope struct {
	ID            int64      `json:"id"`
	ToEmail       string     `json:"to_email"`
	ToName        string     `json:"to_name"`
	Language      string     `json:"language"`
	Kind          string     `json:"kind"`
	Subject       string     `json:"subject"`
	Status        string     `json:"status"`
	Attempts      int        `json:"attempts"`
	LastError     string     `json:"last_error,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	NextAttemptAt *time.Time `json:"next_attempt_at,omitempty"`
	SentAt        *time.Time `json:"sent_at,omitempty"`
}

func (s *API) apiOutbox(w http.ResponseWriter, r *http.Request) {
	limit, cursor, err := httpx.KeysetParams(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	emails, err := notify.EmailsBefore(r.Context(), s.DB, cursor, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := httpx.Page[apiEnvelope]{Items: []apiEnvelope{}}
	for _, e := range emails {
		env := apiEnvelope{ID: e.ID, ToEmail: e.To.Email, ToName: e.To.Name, Language: e.To.Lang, Kind: e.Kind,
			Subject: e.Subject, Status: e.Status(), Attempts: e.Attempts, LastError: e.LastError,
			CreatedAt: e.CreatedAt.UTC(), SentAt: apiUTC(e.SentAt)}
		if e.SentAt == nil {
			env.NextAttemptAt = apiUTC(&e.NextAttemptAt)
		}
		page.Items = append(page.Items, env)
	}
	if n := len(emails); n > 0 {
		page.Next = httpx.NextPage(r, n, limit, httpx.Itoa(emails[n-1].ID))
	}
	httpx.WriteJSON(w, http.StatusOK, page)
}

// ---- coordinators ----

type apiCoordinator struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
	Email  string `json:"email"`
}

func (s *API) coordinatorList(r *http.Request, programID int64) ([]apiCoordinator, error) {
	cs, err := program.Coordinators(r.Context(), s.DB, programID)
	out := make([]apiCoordinator, 0, len(cs))
	for _, c := range cs {
		out = append(out, apiCoordinator{UserID: c.UserID, Name: c.Name, Email: c.Email})
	}
	return out, err
}

func (s *API) apiListCoordinators(w http.ResponseWriter, r *http.Request) {
	p, ok := s.coordinatorInput(w, r, nil)
	if !ok {
		return
	}
	list, err := s.coordinatorList(r, p.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WritePage(w, r, s.fail, list)
}

type coordinatorInputBody struct {
	Email string `json:"email"`
}

func (s *API) apiAddCoordinator(w http.ResponseWriter, r *http.Request) {
	var in coordinatorInputBody
	p, ok := s.coordinatorInput(w, r, &in)
	if !ok {
		return
	}
	if err := s.Programs.AddCoordinator(r.Context(), httpx.User(r), p.ID, in.Email); err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.coordinatorList(r, p.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, httpx.Page[apiCoordinator]{Items: list}) // all of them, a handful
}

func (s *API) apiRemoveCoordinator(w http.ResponseWriter, r *http.Request) {
	p, uid, ok := s.coordinatorInputAt(w, r, nil, "userID")
	if !ok {
		return
	}
	if err := s.Programs.RemoveCoordinator(r.Context(), httpx.User(r), p.ID, uid); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// ---- invitations ----

type apiCSVProblem struct {
	Row     int    `json:"row"`
	Email   string `json:"email"`
	Problem string `json:"problem"`
}

type apiCSVReport struct {
	Rows     int             `json:"rows"`
	Invited  int             `json:"invited"`
	Problems []apiCSVProblem `json:"problems"`
}

// apiInviteCSV invites everyone in a CSV file sent as the body (text/csv),
// as the upload form does, and answers with the per-row report.
func (s *API) apiInviteCSV(w http.ResponseWriter, r *http.Request) {
	p, ok := s.coordinatorInput(w, r, nil)
	if !ok {
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "text/csv" {
		s.fail(w, r, errs.E(errs.Unsupported, "api.error.csv_type"))
		return
	}
	// One byte over the limit is enough for InviteCSV to see that it is
	// too large; reading stops there.
	httpx.RaiseBodyLimit(w, r, program.MaxCSVBytes+1)
	report, err := s.Programs.InviteCSV(r.Context(), httpx.User(r), p.ID, r.Body)
	if e, ok := errs.As(err); ok && e.Fields["file"].Key == "enrol.csv.too_large" {
		out := *e
		out.Kind = errs.TooLarge
		err = &out
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		err = errs.E(errs.TooLarge, "enrol.csv.too_large", "max", program.MaxCSVBytes>>20)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := s.locale(r)
	out := apiCSVReport{Rows: report.Rows, Invited: report.Invited, Problems: []apiCSVProblem{}}
	for _, pr := range report.Problems {
		out.Problems = append(out.Problems, apiCSVProblem{Row: pr.Row, Email: pr.Email, Problem: l.Msg(pr.Key, pr.Args)})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (s *API) apiResendInvitation(w http.ResponseWriter, r *http.Request) {
	p, inv, ok := s.coordinatorInputAt(w, r, nil, "invitationID")
	if !ok {
		return
	}
	if err := s.Programs.ResendInvitation(r.Context(), httpx.User(r), p.ID, inv); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// ---- accepting and joining ----

// acceptInput is what the accept form asks. A caller who sends a token
// accepts with that account and sends only role (and, for a join link,
// nothing else); anyone else gets a new account from the other fields.
type acceptInput struct {
	Role     string `json:"role"`
	Email    string `json:"email"` // join links only: an invitation names its address
	Name     string `json:"name"`
	Password string `json:"password"`
	Language string `json:"language"`
	Timezone string `json:"timezone"`
}

type apiAccepted struct {
	ProgramID  int64   `json:"program_id"`
	User       apiUser `json:"user"`
	NewAccount bool    `json:"new_account"`
}

func (s *API) apiAcceptInvitation(w http.ResponseWriter, r *http.Request) {
	s.apiAccept(w, r, false)
}
func (s *API) apiJoin(w http.ResponseWriter, r *http.Request) { s.apiAccept(w, r, true) }

func (s *API) apiAccept(w http.ResponseWriter, r *http.Request, join bool) {
	ctx := r.Context()
	var in acceptInput
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	a := program.Acceptance{Role: in.Role, Account: account.NewUser{Name: in.Name, Password: in.Password,
		Language: in.Language, Timezone: in.Timezone, Email: in.Email}}
	token := r.PathValue("token")
	var res *program.Accepted
	var err error
	if join {
		res, err = s.Programs.Join(ctx, httpx.User(r), token, a)
	} else {
		res, err = s.Programs.AcceptInvitation(ctx, httpx.User(r), token, a)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if res.Session != "" {
		// The domain opens a browser session for a new account; an API
		// client signs in with POST /tokens instead, so it is closed.
		if err := s.Accounts.Logout(ctx, res.Session); err != nil {
			s.Log.Warn("close the session of an API enrolment", "err", err)
		}
	}
	w.Header().Set("Location", httpx.Prefix+"/programs/"+httpx.Itoa(res.ProgramID)+"/profile")
	httpx.WriteJSON(w, http.StatusCreated, apiAccepted{ProgramID: res.ProgramID, User: toAPIUser(res.User), NewAccount: res.Session != ""})
}

// ---- a participant's own profile ----

// apiProfile is what a participant tells about themselves, as the API
// reads it (the whole profile: it replaces what was saved, as the form does;
// wishes are read from mentees only) and sends it inside a participant.
type apiProfile struct {
	Languages    []string  `json:"languages"`
	Location     string    `json:"location"`
	OnlineOK     bool      `json:"online_ok"`
	Field        string    `json:"field"`
	Skills       string    `json:"skills"`
	Needs        string    `json:"needs"`
	Goals        string    `json:"goals"`
	Interests    string    `json:"interests"`
	Education    string    `json:"education"`
	CareerStage  string    `json:"career_stage"`
	Availability string    `json:"availability"`
	Organisation string    `json:"organisation"`
	Capacity     int       `json:"capacity"`
	About        string    `json:"about"`
	MeetingTimes []string  `json:"meeting_times"`
	Wishes       apiWishes `json:"wishes"`
}

type profileInput = apiProfile

func toAPIProfile(p *program.Participant) apiProfile {
	return apiProfile{
		Languages: nonNil(p.Languages), Location: p.Location, OnlineOK: p.OnlineOK, Field: p.Field,
		Skills: p.Skills, Needs: p.Needs, Goals: p.Goals, Interests: p.Interests,
		Education: p.Education, CareerStage: p.CareerStage, Availability: p.Availability,
		Organisation: p.Organisation, Capacity: p.Capacity, About: p.About,
		MeetingTimes: nonNil(p.MeetingTimes),
		Wishes:       apiWishes{SameField: p.WishSameField, InPerson: p.WishInPerson, Language: p.WishLanguage, Stage: p.WishStage},
	}
}

func (in apiProfile) domain() program.Profile {
	return program.Profile{
		Languages: in.Languages, Location: in.Location, OnlineOK: in.OnlineOK, Field: in.Field,
		Skills: in.Skills, Needs: in.Needs, Goals: in.Goals, Interests: in.Interests, Education: in.Education,
		CareerStage: in.CareerStage, Availability: in.Availability, Organisation: in.Organisation,
		Capacity: in.Capacity, About: in.About, MeetingTimes: in.MeetingTimes,
		WishSameField: in.Wishes.SameField, WishInPerson: in.Wishes.InPerson,
		WishLanguage: in.Wishes.Language, WishStage: in.Wishes.Stage,
	}
}

func (s *API) apiMyProfile(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	if err == nil {
		var part *program.Participant
		if _, part, err = s.Programs.MyParticipation(r.Context(), httpx.User(r), id); err == nil {
			httpx.WriteJSON(w, http.StatusOK, toAPIParticipant(part))
			return
		}
	}
	s.fail(w, r, err)
}

func (s *API) apiSaveMyProfile(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	if err == nil {
		// Only a participant gets to the body's validation messages.
		_, _, err = s.Programs.MyParticipation(r.Context(), httpx.User(r), id)
	}
	var in profileInput
	if err == nil {
		err = httpx.ReadJSON(r, &in)
	}
	var part *program.Participant
	if err == nil {
		part, err = s.Programs.SaveProfile(r.Context(), httpx.User(r), id, in.domain())
	}
	if err != nil {
		s.fail(w, r, httpx.RenameFields(err, profileFieldNames))
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIParticipant(part))
}

// profileFieldNames are the domain's field names that the API nests.
var profileFieldNames = map[string]string{
	"wish_same_field": "wishes.same_field", "wish_in_person": "wishes.in_person",
	"wish_language": "wishes.language", "wish_stage": "wishes.stage",
}

// ---- my pairs, my password ----

// apiMyPair is one of the caller's own pairs: who is on it, never their
// addresses (the pair writes to each other inside the program).
type apiMyPair struct {
	PairID    int64       `json:"pair_id"`
	ProgramID int64       `json:"program_id"`
	MyRole    string      `json:"my_role"`
	Status    string      `json:"status"`
	CreatedAt time.Time   `json:"created_at"`
	EndedAt   *time.Time  `json:"ended_at"`
	Mentors   []apiPerson `json:"mentors"`
	Mentees   []apiPerson `json:"mentees"`
}

func (s *API) apiMyPairs(w http.ResponseWriter, r *http.Request) {
	me := httpx.User(r).ID
	pairs, err := program.PairsForUser(r.Context(), s.DB, me)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiMyPair, 0, len(pairs))
	for _, p := range pairs {
		v := apiMyPair{PairID: p.ID, ProgramID: p.ProgramID, Status: p.Status, CreatedAt: p.CreatedAt.UTC(),
			EndedAt: apiUTC(p.EndedAt), Mentors: []apiPerson{}, Mentees: []apiPerson{}}
		for _, m := range p.Mentors {
			v.Mentors = append(v.Mentors, apiPerson{UserID: m.UserID, Name: m.Name})
			if m.UserID == me {
				v.MyRole = string(program.RoleMentor)
			}
		}
		for _, m := range p.Mentees {
			v.Mentees = append(v.Mentees, apiPerson{UserID: m.UserID, Name: m.Name})
			if m.UserID == me {
				v.MyRole = string(program.RoleMentee)
			}
		}
		out = append(out, v)
	}
	httpx.WritePage(w, r, s.fail, out)
}

type passwordInput struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// apiChangePassword changes the caller's password. As on the profile page,
// every other way in ends with the old password: sessions and every API
// token, the one that made this call included.
func (s *API) apiChangePassword(w http.ResponseWriter, r *http.Request) {
	var in passwordInput
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	session := httpx.Session(r)
	if err := s.Accounts.ChangePassword(r.Context(), httpx.User(r).ID, session, in.CurrentPassword, in.NewPassword); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
