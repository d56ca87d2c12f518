package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/i18n"
	"mentorskap/internal/matching"
	"mentorskap/internal/program"
	"mentorskap/internal/question"
)

// Enrolment: coordinators invite people by email or CSV, people come in
// through an invitation or the program's join link, and each participant
// fills in the profile matching reads.
func (s *Server) enrolRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /programs/{id}/invitations", s.requireUser(s.invitations))
	mux.HandleFunc("POST /programs/{id}/invitations", s.requireUser(s.inviteOne))
	mux.HandleFunc("POST /programs/{id}/invitations/upload", s.requireUser(s.inviteUpload))
	mux.HandleFunc("POST /programs/{id}/invitations/{inv}/resend", s.requireUser(s.invitationResend))
	mux.HandleFunc("POST /programs/{id}/invitations/{inv}/revoke", s.requireUser(s.invitationRevoke))
	mux.HandleFunc("GET /invite/{token}", s.inviteOffer)
	mux.HandleFunc("POST /invite/{token}", s.inviteAccept)
	mux.HandleFunc("GET /join/{token}", s.joinOffer)
	mux.HandleFunc("POST /join/{token}", s.joinAccept)
	mux.HandleFunc("GET /programs/{id}/profile", s.requireUser(s.participantProfile))
	mux.HandleFunc("POST /programs/{id}/profile", s.requireUser(s.participantProfileSave))
	mux.HandleFunc("GET /programs/{id}/participants/{uid}", s.requireUser(s.participantView))
}

// --- invitations (coordinators) ---

type invitationsData struct {
	Program     *program.Program
	Invitations []program.Invitation
	Now         time.Time
	Report      *program.CSVReport
	Days        int
	MaxRows     int
}

func (s *Server) invitationsData(r *http.Request) (invitationsData, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return invitationsData{}, err
	}
	p, err := s.Programs.RequireCoordinator(r.Context(), httpx.User(r), id)
	if err != nil {
		return invitationsData{}, err
	}
	list, err := s.Programs.Invitations(r.Context(), httpx.User(r), id)
	return invitationsData{Program: p, Invitations: list, Now: s.Clock.Now(),
		Days: int(program.InvitationTTL / (24 * time.Hour)), MaxRows: program.MaxCSVRows}, err
}

func (s *Server) invitations(w http.ResponseWriter, r *http.Request) {
	d, err := s.invitationsData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "enrol_invitations", d)
}

func (s *Server) inviteOne(w http.ResponseWriter, r *http.Request) {
	d, err := s.invitationsData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	_, err = s.Programs.Invite(r.Context(), httpx.User(r), d.Program.ID, program.NewInvitation{
		Email: r.PostForm.Get("email"), Name: r.PostForm.Get("name"),
		Role: r.PostForm.Get("role"), Language: r.PostForm.Get("language"), Note: r.PostForm.Get("note"),
	})
	if err != nil {
		s.renderForm(w, r, "enrol_invitations", d, err)
		return
	}
	s.redirect(w, r, programPath(d.Program.ID)+"/invitations", "enrol.invited")
}

// uploadOverhead is room for the multipart envelope around the CSV file.
const uploadOverhead = 64 << 10

func (s *Server) inviteUpload(w http.ResponseWriter, r *http.Request) {
	httpx.RaiseBodyLimit(w, r, program.MaxCSVBytes+uploadOverhead)
	d, err := s.invitationsData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fileErr := func(key string, args ...any) error {
		return &errs.Error{Kind: errs.Invalid, Key: "error.invalid",
			Fields: map[string]errs.Msg{"file": {Key: key, Args: args}}}
	}
	if err := r.ParseMultipartForm(program.MaxCSVBytes + uploadOverhead); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			err = &errs.Error{Kind: errs.TooLarge, Key: "error.invalid",
				Fields: map[string]errs.Msg{"file": {Key: "enrol.csv.too_large", Args: []any{"max", program.MaxCSVBytes >> 20}}}}
		} else {
			err = fileErr("enrol.csv.missing")
		}
		s.renderForm(w, r, "enrol_invitations", d, err)
		return
	}
	defer r.MultipartForm.RemoveAll()
	f, _, err := r.FormFile("file")
	if err != nil {
		s.renderForm(w, r, "enrol_invitations", d, fileErr("enrol.csv.missing"))
		return
	}
	defer f.Close()
	report, err := s.Programs.InviteCSV(r.Context(), httpx.User(r), d.Program.ID, f)
	if err != nil {
		s.renderForm(w, r, "enrol_invitations", d, err)
		return
	}
	// The report is the answer to this upload, so it is rendered rather
	// than redirected; reloading cannot invite twice because every address
	// now holds an open invitation.
	if d.Invitations, err = s.Programs.Invitations(r.Context(), httpx.User(r), d.Program.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	d.Report = report
	s.render(w, r, http.StatusOK, "enrol_invitations", d)
}

func (s *Server) invitationAction(do func(*http.Request, int64, int64) error, flash string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, inv, err := httpx.PathIDs(r, "id", "inv")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if err := do(r, id, inv); err != nil {
			s.fail(w, r, err)
			return
		}
		s.redirect(w, r, programPath(id)+"/invitations", flash)
	}
}

func (s *Server) invitationResend(w http.ResponseWriter, r *http.Request) {
	s.invitationAction(func(r *http.Request, id, inv int64) error {
		return s.Programs.ResendInvitation(r.Context(), httpx.User(r), id, inv)
	}, "enrol.resent")(w, r)
}

func (s *Server) invitationRevoke(w http.ResponseWriter, r *http.Request) {
	s.invitationAction(func(r *http.Request, id, inv int64) error {
		return s.Programs.RevokeInvitation(r.Context(), httpx.User(r), id, inv)
	}, "enrol.revoked")(w, r)
}

// --- accepting an invitation or joining ---

type acceptData struct {
	Offer     *program.Offer
	Action    string // where the form posts
	LoginNext string // the login link that comes back here
	Join      bool   // a join link: the visitor types their own email
	WrongUser bool   // logged in as someone the invitation is not for
	// Providers offer to continue with an organisation's login instead of
	// a password; Token goes with them (see ssoStart).
	Providers []account.OIDCProvider
	Token     string
}

// offerLocale shows an anonymous visitor the page in the invitation's (or
// program's) language unless they chose one themselves or their browser
// asked for one.
func (s *Server) offerLocale(r *http.Request, o *program.Offer) *http.Request {
	return s.withProgramLanguage(r, o.Language)
}

func (s *Server) acceptData(r *http.Request, o *program.Offer, join bool) acceptData {
	kind := "/invite/"
	if join {
		kind = "/join/"
	}
	action := kind + r.PathValue("token")
	d := acceptData{Offer: o, Action: action, LoginNext: "/login?next=" + url.QueryEscape(action), Join: join,
		Token: r.PathValue("token")}
	if httpx.User(r) == nil {
		// A provider that does not answer its list leaves the password form.
		d.Providers, _ = s.Accounts.Providers(r.Context())
	}
	if u := httpx.User(r); u != nil && !join && !strings.EqualFold(u.Email, o.Email) {
		d.WrongUser = true
	}
	return d
}

func (s *Server) inviteOffer(w http.ResponseWriter, r *http.Request) {
	o, err := s.Programs.InvitationOffer(r.Context(), r.PathValue("token"))
	s.showOffer(w, r, o, err, false)
}

func (s *Server) joinOffer(w http.ResponseWriter, r *http.Request) {
	o, err := s.Programs.JoinOffer(r.Context(), r.PathValue("token"))
	s.showOffer(w, r, o, err, true)
}

func (s *Server) showOffer(w http.ResponseWriter, r *http.Request, o *program.Offer, err error, join bool) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r = s.offerLocale(r, o)
	s.render(w, r, http.StatusOK, "enrol_accept", s.acceptData(r, o, join))
}

func (s *Server) inviteAccept(w http.ResponseWriter, r *http.Request) {
	s.accept(w, r, false)
}

func (s *Server) joinAccept(w http.ResponseWriter, r *http.Request) {
	s.accept(w, r, true)
}

func (s *Server) accept(w http.ResponseWriter, r *http.Request, join bool) {
	ctx := r.Context()
	token := r.PathValue("token")
	var o *program.Offer
	var err error
	if join {
		o, err = s.Programs.JoinOffer(ctx, token)
	} else {
		o, err = s.Programs.InvitationOffer(ctx, token)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r = s.offerLocale(r, o)
	r.ParseForm()
	a := program.Acceptance{Role: r.PostForm.Get("role")}
	a.Account.Name = r.PostForm.Get("name")
	a.Account.Password = r.PostForm.Get("password")
	a.Account.Language = r.PostForm.Get("language")
	a.Account.Timezone = i18n.DetectedZone(r.PostForm.Get("timezone"))
	a.Account.Email = r.PostForm.Get("email")
	var res *program.Accepted
	if join {
		res, err = s.Programs.Join(ctx, httpx.User(r), token, a)
	} else {
		res, err = s.Programs.AcceptInvitation(ctx, httpx.User(r), token, a)
	}
	if err != nil {
		r.PostForm.Del("password")
		if k := errs.KindOf(err); k == errs.Invalid || k == errs.Conflict {
			s.renderForm(w, r, "enrol_accept", s.acceptData(r, o, join), err)
			return
		}
		s.fail(w, r, err)
		return
	}
	if res.Session != "" {
		s.startSession(w, r, res.Session)
		if lang := res.User.Language; i18n.Supported(lang) {
			s.setCookie(w, r, langCookie, lang, 365*24*time.Hour)
		}
	}
	s.redirect(w, r, programPath(res.ProgramID)+"/profile", "enrol.accepted")
}

// --- participant profile ---

type profileFormData struct {
	Program      *program.Program
	Participant  *program.Participant
	Languages    []string // the interface languages, offered as checkboxes
	CareerStages []string
	MinCapacity  int
	MaxCapacity  int
	MeetingSlots []string // for matching (internal/matching)
	// WishLanguages are the participant's languages, each as a one-item
	// list that names itself in the reader's language.
	WishLanguages []matching.LangList
	// Questions are the program's own questions the participant is asked.
	Questions []questionField
}

// profileValues fills the form from a saved profile.
func profileValues(p *program.Participant) url.Values {
	v := url.Values{}
	var other []string
	for _, l := range p.Languages {
		if i18n.Supported(l) {
			v.Add("languages", l)
		} else {
			other = append(other, l)
		}
	}
	v.Set("languages_other", strings.Join(other, ", "))
	v.Set("location", p.Location)
	if p.OnlineOK {
		v.Set("online_ok", "1")
	}
	v.Set("field", p.Field)
	v.Set("skills", p.Skills)
	v.Set("needs", p.Needs)
	v.Set("goals", p.Goals)
	v.Set("interests", p.Interests)
	v.Set("education", p.Education)
	v.Set("career_stage", p.CareerStage)
	v.Set("availability", p.Availability)
	v.Set("organisation", p.Organisation)
	v.Set("capacity", strconv.Itoa(p.Capacity))
	v.Set("about", p.About)
	v["meeting_times"] = p.MeetingTimes
	if p.WishSameField {
		v.Set("wish_same_field", "1")
	}
	if p.WishInPerson {
		v.Set("wish_in_person", "1")
	}
	v.Set("wish_language", p.WishLanguage)
	v.Set("wish_stage", p.WishStage)
	return v
}

// profileFrom reads the submitted form. Other languages may be separated by
// commas or spaces.
func profileFrom(f url.Values) program.Profile {
	langs := append([]string(nil), f["languages"]...)
	langs = append(langs, strings.FieldsFunc(f.Get("languages_other"), func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})...)
	// A blank or malformed capacity becomes 0, which the range check
	// refuses with a message that says what is allowed.
	capacity, _ := strconv.Atoi(strings.TrimSpace(f.Get("capacity")))
	return program.Profile{
		Languages: langs, Location: f.Get("location"), OnlineOK: f.Get("online_ok") != "",
		Field: f.Get("field"), Skills: f.Get("skills"), Needs: f.Get("needs"), Goals: f.Get("goals"),
		Interests: f.Get("interests"), Education: f.Get("education"), CareerStage: f.Get("career_stage"),
		Availability: f.Get("availability"), Organisation: f.Get("organisation"),
		Capacity: capacity, About: f.Get("about"),
		MeetingTimes: f["meeting_times"], WishSameField: f.Get("wish_same_field") != "",
		WishInPerson: f.Get("wish_in_person") != "", WishLanguage: f.Get("wish_language"), WishStage: f.Get("wish_stage"),
	}
}

func (s *Server) profileFormData(p *program.Program, part *program.Participant) profileFormData {
	return profileFormData{Program: p, Participant: part, Languages: i18n.Languages,
		CareerStages: program.CareerStages, MinCapacity: program.MinCapacity, MaxCapacity: program.MaxCapacity,
		MeetingSlots: program.MeetingSlots, WishLanguages: wishLanguages(part)}
}

func wishLanguages(p *program.Participant) []matching.LangList {
	out := make([]matching.LangList, len(p.Languages))
	for k, l := range p.Languages {
		out[k] = matching.LangList{l}
	}
	return out
}

func (s *Server) participantProfile(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, part, err := s.Programs.MyParticipation(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	mine, err := s.questions().Mine(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := s.profileFormData(p, part)
	d.Questions = questionFields(mine.Questions, s.locale(r).Lang())
	page := s.newPage(w, r, d)
	page.Form = profileValues(part)
	answerValues(page.Form, mine.Questions, mine.Answers)
	s.renderPage(w, r, http.StatusOK, "enrol_profile", page)
}

func (s *Server) participantProfileSave(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	// The program's own questions are answered on the same form: checked
	// first, so that a wrong answer saves nothing, and saved after the
	// profile.
	mine, err := s.questions().Mine(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	given := answersFrom(r.PostForm, mine.Questions)
	var part *program.Participant
	err = s.questions().CheckMine(r.Context(), httpx.User(r), id, given)
	if err == nil {
		part, err = s.Programs.SaveProfile(r.Context(), httpx.User(r), id, profileFrom(r.PostForm))
	}
	if err == nil {
		err = s.questions().SaveMine(r.Context(), httpx.User(r), id, given)
	}
	if err != nil {
		if errs.KindOf(err) != errs.Invalid {
			s.fail(w, r, err)
			return
		}
		p, cur, derr := s.Programs.MyParticipation(r.Context(), httpx.User(r), id)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		d := s.profileFormData(p, cur)
		d.Questions = questionFields(mine.Questions, s.locale(r).Lang())
		s.renderForm(w, r, "enrol_profile", d, err)
		return
	}
	flash := "enrol.profile_saved"
	if part.Status == program.StatusPending {
		flash = "enrol.profile_saved_pending"
	}
	s.redirect(w, r, programPath(id)+"/profile", flash)
}

type participantViewData struct {
	Program     *program.Program
	Participant *program.Participant
	Answers     []question.Shown // to the program's own questions
}

func (s *Server) participantView(w http.ResponseWriter, r *http.Request) {
	id, uid, err := httpx.PathIDs(r, "id", "uid")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, part, err := s.Programs.ViewParticipant(r.Context(), httpx.User(r), id, uid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The coordinator sees every answer (ViewParticipant checked who asks).
	qs, err := question.List(r.Context(), s.DB, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ans, err := question.AnswersOf(r.Context(), s.DB, part.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "enrol_participant", participantViewData{Program: p, Participant: part,
		Answers: question.Show(qs, ans, s.locale(r).Lang())})
}
