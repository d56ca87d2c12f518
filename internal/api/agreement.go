package api

import (
	"net/http"
	"strconv"
	"time"

	"mentorskap/internal/agreement"
	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/i18n"
)

func (s *API) apiAgreementTable() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/v1/pairs/{pairID}/preparation", Handler: s.apiGetPreparation},
		{Method: "PUT", Pattern: "/api/v1/pairs/{pairID}/preparation", Handler: s.apiPutPreparation},
		{Method: "GET", Pattern: "/api/v1/pairs/{pairID}/agreement", Handler: s.apiGetAgreement},
		{Method: "PUT", Pattern: "/api/v1/pairs/{pairID}/agreement", Handler: s.apiPutAgreement},
		{Method: "GET", Pattern: "/api/v1/pairs/{pairID}/agreement/versions", Handler: s.apiListAgreementVersions},
		{Method: "GET", Pattern: "/api/v1/pairs/{pairID}/agreement/versions/{n}", Handler: s.apiGetAgreementVersion},
		{Method: "GET", Pattern: "/api/v1/pairs/{pairID}/agreement/diff", Handler: s.apiAgreementDiff},
		{Method: "POST", Pattern: "/api/v1/pairs/{pairID}/agreement/sign", Handler: s.apiSignAgreement},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/agreement-template", Handler: s.apiGetAgreementTemplate},
		{Method: "PUT", Pattern: "/api/v1/programs/{programID}/agreement-template", Handler: s.apiPutAgreementTemplate},
	}
}

type apiPrepQuestion struct {
	Key  string `json:"key"`
	Text string `json:"text"`
}

type apiPreparation struct {
	PairID    int64              `json:"pair_id"`
	Side      string             `json:"side"`
	Questions []apiPrepQuestion  `json:"questions"`
	Answers   map[string]string  `json:"answers"`
	Earlier   []agreement.Answer `json:"earlier"`
	UpdatedAt *time.Time         `json:"updated_at"`
}

func toAPIPreparation(p *agreement.Preparation) apiPreparation {
	out := apiPreparation{PairID: p.Pair.ID, Side: p.Side, Questions: []apiPrepQuestion{}, Answers: p.Answers,
		Earlier: p.Earlier, UpdatedAt: apiUTC(p.UpdatedAt)}
	for _, q := range p.Questions {
		out.Questions = append(out.Questions, apiPrepQuestion{Key: q.Key, Text: q.Text})
	}
	if out.Earlier == nil {
		out.Earlier = []agreement.Answer{}
	}
	return out
}

func (s *API) apiGetPreparation(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "pairID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.Agreements.Preparation(r.Context(), httpx.User(r), id, s.locale(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIPreparation(p))
}

type apiPreparationInput struct {
	Answers map[string]string `json:"answers"`
}

func (s *API) apiPutPreparation(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "pairID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Only the person may write their preparation: check before reading
	// the body, so that others learn nothing from validation messages.
	if _, err := s.Agreements.Preparation(r.Context(), httpx.User(r), id, s.locale(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	var in apiPreparationInput
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.Agreements.SavePreparation(r.Context(), httpx.User(r), id, s.locale(r), in.Answers)
	if err != nil {
		s.fail(w, r, httpx.PrefixFields(err, "answers."))
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIPreparation(p))
}

type apiSignature struct {
	UserID    int64     `json:"user_id"`
	Name      string    `json:"name"`
	Side      string    `json:"side"`
	TypedName string    `json:"typed_name,omitempty"`
	SignedAt  time.Time `json:"signed_at"`
	Hash      string    `json:"hash"`
}

type apiAgreementVersion struct {
	Number     int                  `json:"number"`
	Hash       string               `json:"hash"`
	Intact     bool                 `json:"intact"`
	Complete   bool                 `json:"complete"`
	CreatedAt  time.Time            `json:"created_at"`
	CreatedBy  *apiPerson           `json:"created_by,omitempty"`
	Signatures []apiSignature       `json:"signatures"`
	Content    *apiAgreementContent `json:"content,omitempty"`
	// ReviewMeeting is the agreement review meeting the version was saved
	// from; null for any other version.
	ReviewMeeting *int64 `json:"review_meeting_id"`
}

// toAPIVersion shows a version. Who saved it, typed names and the content
// are the pair's: a coordinator gets them only with the content, when the
// pair shares it.
func toAPIVersion(v *agreement.Version, withContent, member bool) apiAgreementVersion {
	out := apiAgreementVersion{Number: v.Number, Hash: v.Hash, Intact: v.Intact, Complete: v.Complete(),
		CreatedAt: v.CreatedAt.UTC(), Signatures: []apiSignature{}, ReviewMeeting: apiOptID(v.Review)}
	for _, sg := range v.Signatures {
		a := apiSignature{UserID: sg.UserID, Name: sg.Name, Side: sg.Side, SignedAt: sg.SignedAt.UTC(), Hash: sg.Hash}
		if member {
			a.TypedName = sg.TypedName
		}
		out.Signatures = append(out.Signatures, a)
	}
	if member {
		out.CreatedBy = &apiPerson{UserID: v.CreatedBy, Name: v.AuthorName}
	}
	if withContent {
		c := toAPIAgreementContent(v.Content)
		out.Content = &c
	}
	return out
}

type apiAgreement struct {
	PairID         int64                `json:"pair_id"`
	State          string               `json:"state"`
	DraftState     string               `json:"draft_state,omitempty"`
	CurrentVersion int                  `json:"current_version"`
	InForceVersion int                  `json:"in_force_version"`
	ActiveSince    *time.Time           `json:"active_since_at"`
	UpdatedAt      *time.Time           `json:"updated_at"`
	ContentVisible bool                 `json:"content_visible"`
	MentorPrompt   bool                 `json:"mentor_prompt"`
	Current        *apiAgreementVersion `json:"current"`
	InForce        *apiAgreementVersion `json:"in_force"`
}

func toAPIAgreement(vw *agreement.View) apiAgreement {
	st := vw.Status
	out := apiAgreement{PairID: vw.Pair.ID, State: st.State, DraftState: st.Draft,
		ContentVisible: vw.ContentVisible, MentorPrompt: vw.MentorPrompt}
	member := vw.Viewer.Member()
	if v := st.Current; v != nil {
		out.CurrentVersion = v.Number
		out.UpdatedAt = apiUTC(&v.CreatedAt)
		a := toAPIVersion(v, vw.MayRead(v), member)
		out.Current = &a
	}
	if v := st.InForce; v != nil {
		out.InForceVersion = v.Number
		at := v.ActiveSince()
		out.ActiveSince = apiUTC(&at)
		a := toAPIVersion(v, vw.MayRead(v), member)
		out.InForce = &a
	}
	return out
}

func (s *API) apiGetAgreement(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "pairID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vw, err := s.Agreements.View(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIAgreement(vw))
}

type apiAgreementInput struct {
	BaseVersion *int                `json:"base_version"`
	Content     apiAgreementContent `json:"content"`
}

func (s *API) apiPutAgreement(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "pairID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.Agreements.DraftFor(r.Context(), httpx.User(r), id, s.locale(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	var in apiAgreementInput
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.BaseVersion == nil {
		s.fail(w, r, &errs.Error{Kind: errs.Invalid, Key: "error.invalid",
			Fields: map[string]errs.Msg{"base_version": {Key: "error.required"}}})
		return
	}
	v, err := s.Agreements.SaveDraft(r.Context(), httpx.User(r), id, *in.BaseVersion, in.Content.domain(), s.locale(r))
	if err != nil {
		s.fail(w, r, httpx.MapFields(err, agreementFieldName))
		return
	}
	code := http.StatusOK
	if v.Number != *in.BaseVersion {
		code = http.StatusCreated
		w.Header().Set("Location", httpx.Prefix+"/pairs/"+httpx.Itoa(id)+"/agreement/versions/"+strconv.Itoa(v.Number))
	}
	httpx.WriteJSON(w, code, toAPIVersion(v, true, true))
}

func (s *API) apiListAgreementVersions(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "pairID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vw, err := agreement.ViewAgreement(r.Context(), s.DB, httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vs, err := agreement.Versions(r.Context(), s.DB, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiAgreementVersion, 0, len(vs))
	for i := range vs {
		out = append(out, toAPIVersion(&vs[i], false, vw.Viewer.Member()))
	}
	httpx.WritePage(w, r, s.fail, out)
}

func (s *API) apiGetAgreementVersion(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "pairID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := agreement.VersionNumber(r.PathValue("n"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, vw, err := agreement.ReadVersion(r.Context(), s.DB, httpx.User(r), id, n)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIVersion(v, true, vw.Viewer.Member()))
}

type apiDiffLine struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

type apiDiffChange struct {
	Section string        `json:"section"`
	Key     string        `json:"key"`
	Label   string        `json:"label"`
	Lines   []apiDiffLine `json:"lines"`
}

type apiDiff struct {
	From    int             `json:"from"`
	To      int             `json:"to"`
	Changes []apiDiffChange `json:"changes"`
}

func (s *API) apiAgreementDiff(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "pairID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	from, err := agreement.VersionNumber(q.Get("from"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	to, err := agreement.VersionNumber(q.Get("to"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cmp, err := s.Agreements.Compare(r.Context(), httpx.User(r), id, from, to, s.locale(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := apiDiff{From: from, To: to, Changes: []apiDiffChange{}}
	for _, c := range cmp.Changes {
		ch := apiDiffChange{Section: c.Section, Key: c.Key, Label: c.Label, Lines: []apiDiffLine{}}
		for _, l := range c.Lines {
			ch.Lines = append(ch.Lines, apiDiffLine{Op: l.Op, Text: l.Text})
		}
		out.Changes = append(out.Changes, ch)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

type apiSignInput struct {
	Version   int    `json:"version"`
	Password  string `json:"password"`
	TypedName string `json:"typed_name"`
}

func (s *API) apiSignAgreement(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "pairID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in apiSignInput
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.Agreements.Sign(r.Context(), httpx.User(r), id, in.Version, in.Password, in.TypedName)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIVersion(v, true, true))
}

type apiTemplateQuestion struct {
	Key      string            `json:"key"`
	Audience string            `json:"audience"`
	Text     map[string]string `json:"text"`
	Shown    map[string]string `json:"shown,omitempty"`
}

type apiTemplate struct {
	ProgramID int64                        `json:"program_id"`
	Custom    bool                         `json:"custom"`
	UpdatedAt *time.Time                   `json:"updated_at"`
	Clauses   map[string]agreement.Clauses `json:"clauses"`
	Effective map[string]agreement.Clauses `json:"effective_clauses"`
	Questions []apiTemplateQuestion        `json:"questions"`
}

// toAPITemplate shows what the coordinator wrote and, for each language,
// what pairs get: their texts with our defaults filling the gaps.
func (s *API) toAPITemplate(programID int64, t *agreement.Template) apiTemplate {
	out := apiTemplate{ProgramID: programID, Custom: t.Custom, Clauses: t.Clauses,
		Effective: map[string]agreement.Clauses{}, Questions: []apiTemplateQuestion{}}
	if t.Custom {
		out.UpdatedAt = apiUTC(&t.UpdatedAt)
	}
	if out.Clauses == nil {
		out.Clauses = map[string]agreement.Clauses{}
	}
	for _, lang := range i18n.Languages {
		out.Effective[lang] = t.ClausesIn(s.Bundle.Locale(lang))
	}
	for _, q := range t.Questions {
		aq := apiTemplateQuestion{Key: q.Key, Audience: q.Audience, Text: q.Text, Shown: map[string]string{}}
		if aq.Text == nil {
			aq.Text = map[string]string{}
		}
		for _, lang := range i18n.Languages {
			aq.Shown[lang] = agreement.QuestionText(q, s.Bundle.Locale(lang))
		}
		out.Questions = append(out.Questions, aq)
	}
	return out
}

func (s *API) apiGetAgreementTemplate(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t, _, err := s.Agreements.Template(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, s.toAPITemplate(id, t))
}

type apiTemplateInput struct {
	Clauses   map[string]agreement.Clauses `json:"clauses"`
	Questions []struct {
		Key      string            `json:"key"`
		Audience string            `json:"audience"`
		Text     map[string]string `json:"text"`
	} `json:"questions"`
}

func (s *API) apiPutAgreementTemplate(w http.ResponseWriter, r *http.Request) {
	var in apiTemplateInput
	prog, ok := s.coordinatorInput(w, r, &in)
	if !ok {
		return
	}
	t := agreement.Template{Clauses: in.Clauses}
	if t.Clauses == nil {
		t.Clauses = map[string]agreement.Clauses{}
	}
	for _, q := range in.Questions {
		t.Questions = append(t.Questions, agreement.Question{Key: q.Key, Audience: q.Audience, Text: q.Text})
	}
	saved, err := s.Agreements.SaveTemplate(r.Context(), httpx.User(r), prog.ID, t)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, s.toAPITemplate(prog.ID, saved))
}
