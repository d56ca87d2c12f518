package web

import (
	"bytes"
	"net/http"
	"strconv"

	"mentorskap/internal/agreement"
	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/program"
)

func (s *Server) endingRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /pairs/{id}/end", s.requireUser(s.endForm))
	mux.HandleFunc("POST /pairs/{id}/end", s.requireUser(s.endPair))
	mux.HandleFunc("GET /pairs/{id}/closing", s.requireUser(s.closingPage))
	mux.HandleFunc("POST /pairs/{id}/closing/reflection", s.requireUser(s.closingReflection))
	mux.HandleFunc("GET /pairs/{id}/agreement/versions/{n}/pdf", s.requireUser(s.copyPDF))
	mux.HandleFunc("GET /pairs/{id}/agreement/versions/{n}/print", s.requireUser(s.copyPrint))
}

// endFormData is what the ending form needs: the pair as its member sees it.
type endFormData struct {
	Pair   *program.Pair
	Side   string
	Others string
}

// endFormFor loads the pair for the ending form. Only members end a pair
// here; coordinators end pairs from the program's pair list.
func (s *Server) endFormFor(w http.ResponseWriter, r *http.Request) (*http.Request, endFormData, bool) {
	id, err := httpx.PathID(r, "id")
	if err == nil {
		var p *program.Pair
		var v program.PairViewer
		if p, v, err = program.RequirePairMember(r.Context(), s.DB, httpx.User(r), id); err == nil {
			r = s.pairLanguage(r, p)
			return r, endFormData{Pair: p, Side: v.Side, Others: withFormerNames(s.locale(r), p).OtherNames(v.UserID)}, true
		}
	}
	s.fail(w, r, err)
	return r, endFormData{}, false
}

// pairLanguage makes the program's default language the fallback on a
// pair's pages, as on the program's own pages.
func (s *Server) pairLanguage(r *http.Request, p *program.Pair) *http.Request {
	if prog, err := program.Get(r.Context(), s.DB, p.ProgramID); err == nil {
		return s.withProgramLanguage(r, prog.DefaultLanguage)
	}
	return r
}

func (s *Server) endForm(w http.ResponseWriter, r *http.Request) {
	r, d, ok := s.endFormFor(w, r)
	if !ok {
		return
	}
	if !d.Pair.Allows(s.Clock.Now(), program.ActEnd) {
		http.Redirect(w, r, agreement.ClosingPath(d.Pair.ID), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "ending_form", d)
}

func (s *Server) endPair(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	err = s.Agreements.EndWith(r.Context(), httpx.User(r), id, agreement.EndRequest{
		Reason: r.PostForm.Get("reason"), NewMentor: r.PostForm.Get("new_mentor") != ""})
	if errs.KindOf(err) == errs.Invalid {
		r, d, ok := s.endFormFor(w, r)
		if ok {
			s.renderForm(w, r, "ending_form", d, err)
		}
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, agreement.ClosingPath(id), "ending.ended_flash")
}

func (s *Server) closingPage(w http.ResponseWriter, r *http.Request) {
	s.showClosing(w, r, nil)
}

// showClosing renders the closing summary, or, after a refused reflection,
// the summary with the form's problem and the submitted text kept.
func (s *Server) showClosing(w http.ResponseWriter, r *http.Request, formErr error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.Agreements.Closing(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r = s.pairLanguage(r, c.Pair)
	if formErr != nil {
		s.renderForm(w, r, "ending_closing", c, formErr)
		return
	}
	p := s.newPage(w, r, c)
	if c.Reflection != nil {
		p.Form = map[string][]string{"reflection": {c.Reflection.Body}}
	}
	s.renderPage(w, r, http.StatusOK, "ending_closing", p)
}

func (s *Server) closingReflection(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	err = s.Agreements.SaveReflection(r.Context(), httpx.User(r), id, r.PostForm.Get("reflection"))
	if errs.KindOf(err) == errs.Invalid {
		s.showClosing(w, r, err)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, agreement.ClosingPath(id)+"#reflection", "ending.reflection_saved")
}

// signedCopy loads the copy the path names for the person asking.
func (s *Server) signedCopy(r *http.Request, pairParam string) (*agreement.Copy, error) {
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
// r's locale. The PDF is built in memory first, so a failure is a clean
// error page rather than half a file.
func (s *Server) writeCopyPDF(w http.ResponseWriter, r *http.Request, c *agreement.Copy) {
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

func (s *Server) copyPDF(w http.ResponseWriter, r *http.Request) {
	c, err := s.signedCopy(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeCopyPDF(w, s.withProgramLanguage(r, c.View.Program.DefaultLanguage), c)
}

// copyPrintData is the printable page: the same printed copy the PDF holds.
type copyPrintData struct {
	Copy    *agreement.Copy
	Printed *agreement.Printed
}

func (s *Server) copyPrint(w http.ResponseWriter, r *http.Request) {
	c, err := s.signedCopy(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r = s.withProgramLanguage(r, c.View.Program.DefaultLanguage)
	u := httpx.User(r)
	s.render(w, r, http.StatusOK, "ending_print", copyPrintData{Copy: c,
		Printed: c.Print(s.locale(r), u.Timezone, u, s.Clock.Now())})
}
