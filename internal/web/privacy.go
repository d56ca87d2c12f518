package web

import (
	"bytes"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/i18n"
	"mentorskap/internal/privacy"
	"mentorskap/internal/program"
)

func (s *Server) privacyRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /profile/data", s.requireUser(s.privacyDataPage))
	mux.HandleFunc("GET /profile/data/download", s.requireUser(s.writeExport))
	mux.HandleFunc("GET /profile/delete", s.requireUser(s.privacyDeleteForm))
	mux.HandleFunc("POST /profile/delete", s.requireUser(s.privacyDelete))
	mux.HandleFunc("GET /programs/{id}/retention", s.requireUser(s.retentionPage))
	mux.HandleFunc("POST /programs/{id}/retention", s.requireUser(s.retentionSave))
}

func (s *Server) privacyDataPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "privacy_data", nil)
}

// writeExport sends the ZIP, for the page and the API alike. It is built
// in memory first so that a failure half-way gives an error page rather
// than a truncated file.
func (s *Server) writeExport(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	now := s.Clock.Now()
	if err := privacy.WriteZIP(r.Context(), s.DB, &buf, httpx.User(r), s.locale(r), now); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="mentorskap-data-`+now.UTC().Format("20060102")+`.zip"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}

func (s *Server) privacyDeleteForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "privacy_delete", nil)
}

func (s *Server) privacyDelete(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	err := privacy.DeleteAccount(r.Context(), s.DB, s.Outbox, s.Clock.Now(), httpx.User(r), r.PostForm.Get("password"))
	if k := errs.KindOf(err); k == errs.Invalid || k == errs.Conflict || k == errs.TooMany {
		r.PostForm.Del("password") // never written back into the page
		s.renderForm(w, r, "privacy_delete", nil, err)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.clearCookie(w, r, s.sessionCookie(r))
	s.redirect(w, r, "/login", "privacy.deleted_flash")
}

// retentionData is the retention page: the rule and the choices offered.
type retentionData struct {
	*privacy.Retention
	Choices []int
}

var retentionChoices = []int{0, 3, 6, 12, 24, 36, 60}

func (s *Server) retentionFor(w http.ResponseWriter, r *http.Request) (*http.Request, *retentionData, bool) {
	id, err := httpx.PathID(r, "id")
	if err == nil {
		var ret *privacy.Retention
		if ret, err = privacy.GetRetention(r.Context(), s.DB, httpx.User(r), id); err == nil {
			r = s.withProgramLanguage(r, ret.Program.DefaultLanguage)
			choices := retentionChoices
			if !slices.Contains(choices, ret.Months) {
				// Set through the API to a value the form does not offer.
				choices = append(slices.Clone(choices), ret.Months)
				slices.Sort(choices)
			}
			return r, &retentionData{Retention: ret, Choices: choices}, true
		}
	}
	s.fail(w, r, err)
	return r, nil, false
}

func (s *Server) retentionPage(w http.ResponseWriter, r *http.Request) {
	r, d, ok := s.retentionFor(w, r)
	if !ok {
		return
	}
	p := s.newPage(w, r, d)
	p.Form = map[string][]string{"months": {strconv.Itoa(d.Months)}}
	s.renderPage(w, r, http.StatusOK, "privacy_retention", p)
}

func (s *Server) retentionSave(w http.ResponseWriter, r *http.Request) {
	r, d, ok := s.retentionFor(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	months, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("months")))
	if err != nil {
		months = -1 // judged, and refused, with the other bad values
	}
	err = privacy.SetRetention(r.Context(), s.DB, httpx.User(r), d.Program.ID, months)
	if errs.KindOf(err) == errs.Invalid {
		s.renderForm(w, r, "privacy_retention", d, err)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/programs/"+strconv.FormatInt(d.Program.ID, 10)+"/retention", "retention.saved")
}

// withFormerNames returns the pair with every member whose account was
// deleted (their name is gone) named as a former participant in the
// reader's language. The pair passed in is left as it is.
func withFormerNames(l *i18n.Locale, p *program.Pair) *program.Pair {
	rename := func(ms []program.PairMember) []program.PairMember {
		out := slices.Clone(ms)
		for i := range out {
			if out[i].Name == "" {
				out[i].Name = l.T("privacy.former_participant")
			}
		}
		return out
	}
	c := *p
	c.Mentors, c.Mentees = rename(p.Mentors), rename(p.Mentees)
	return &c
}
