package web

import (
	"net/http"
	"strconv"

	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/program"
	"mentorskap/internal/resource"
	"mentorskap/internal/store"
)

// Resources: the files and links of a program. Its people see those for
// their role on /programs/{id}/resources; coordinators manage them on
// /programs/{id}/resources/manage. The API (api_resource.go) does the same
// through package resource.
func (s *Server) resourceRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /programs/{id}/resources", s.requireUser(s.resourcePage))
	mux.HandleFunc("GET /programs/{id}/resources/manage", s.requireUser(s.resourceManage))
	mux.HandleFunc("POST /programs/{id}/resources/files", s.requireUser(s.resourceUpload))
	mux.HandleFunc("POST /programs/{id}/resources/links", s.requireUser(s.resourceAddLink))
	mux.HandleFunc("POST /programs/{id}/resources/{rid}", s.requireUser(s.resourceEdit))
	mux.HandleFunc("POST /programs/{id}/resources/{rid}/remove", s.requireUser(s.confirmFirst("resource_remove", s.mayManageResource, s.resourceRemove)))
	mux.HandleFunc("GET /programs/{id}/resources/{rid}/file", s.requireUser(s.resourceDownload))
}

func init() {
	p := "confirmfirst.resource_remove."
	confirmTexts["resource_remove"] = confirmText{p + "title", p + "happens", p + "told", p + "submit"}
}

type resourceData struct {
	Program   *program.Program
	Role      program.Role
	Resources []resource.Resource
	Audiences []string
	MaxMB     int
}

// Manager says whether the viewer may change the list.
func (d *resourceData) Manager() bool { return d.Role == program.RoleCoordinator }

func (s *Server) resourceData(r *http.Request) (*resourceData, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	prog, role, err := resource.Viewer(r.Context(), s.DB, httpx.User(r), id)
	if err != nil {
		return nil, err
	}
	list, err := resource.List(r.Context(), s.DB, prog.ID, role)
	if err != nil {
		return nil, err
	}
	return &resourceData{Program: prog, Role: role, Resources: list, Audiences: resource.Audiences,
		MaxMB: resource.MaxFileSize >> 20}, nil
}

// SizeKey and SizeNum say a file's size: whole kilobytes under a
// megabyte, whole megabytes above.
func (d *resourceData) SizeKey(n int64) string {
	if n < 1<<20 {
		return "resource.size_kb"
	}
	return "resource.size_mb"
}

func (d *resourceData) SizeNum(n int64) int {
	if n < 1<<20 {
		return int(max((n+1023)>>10, 1))
	}
	return int((n + 1<<19) >> 20)
}

// manageData is resourceData for a coordinator only.
func (s *Server) manageData(r *http.Request) (*resourceData, error) {
	d, err := s.resourceData(r)
	if err == nil && !d.Manager() {
		err = errs.E(errs.Forbidden, "program.error.coordinators_only")
	}
	return d, err
}

func (s *Server) resourcePage(w http.ResponseWriter, r *http.Request) {
	d, err := s.resourceData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "resource_list", d)
}

func (s *Server) resourceManage(w http.ResponseWriter, r *http.Request) {
	d, err := s.manageData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "resource_manage", d)
}

func (s *Server) mayManageResource(r *http.Request) error {
	d, err := s.manageData(r)
	if err != nil {
		return err
	}
	rid, err := httpx.PathID(r, "rid")
	if err == nil {
		_, err = resource.Get(r.Context(), s.DB, d.Program.ID, rid, d.Role)
	}
	return err
}

func resourceInput(r *http.Request) resource.Input {
	return resource.Input{Title: r.PostForm.Get("title"), Audience: r.PostForm.Get("audience"), URL: r.PostForm.Get("url")}
}

func (s *Server) resourceUpload(w http.ResponseWriter, r *http.Request) {
	d, err := s.manageData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name, data, err := resource.ReadUpload(w, r)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if err == nil {
		err = s.DB.Tx(r.Context(), func(tx *store.Tx) error {
			_, err := resource.AddFile(r.Context(), tx, s.Clock.Now(), d.Program.ID, httpx.User(r).ID, resourceInput(r), name, data)
			return err
		})
	}
	if err != nil {
		if r.PostForm == nil {
			r.PostForm = map[string][]string{}
		}
		s.renderForm(w, r, "resource_manage", d, err)
		return
	}
	s.redirect(w, r, programPath(d.Program.ID)+"/resources/manage", "resource.added")
}

func (s *Server) resourceAddLink(w http.ResponseWriter, r *http.Request) {
	d, err := s.manageData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	in := resource.Input{Title: r.PostForm.Get("link_title"), Audience: r.PostForm.Get("link_audience"), URL: r.PostForm.Get("url")}
	err = s.DB.Tx(r.Context(), func(tx *store.Tx) error {
		_, err := resource.AddLink(r.Context(), tx, s.Clock.Now(), d.Program.ID, httpx.User(r).ID, in)
		return err
	})
	if err != nil {
		// The link form's fields are named apart from the file form's.
		err = renameFormFields(err, func(k string) string {
			if k == "url" {
				return k
			}
			return "link_" + k
		})
		s.renderForm(w, r, "resource_manage", d, err)
		return
	}
	s.redirect(w, r, programPath(d.Program.ID)+"/resources/manage", "resource.added")
}

func (s *Server) resourceEdit(w http.ResponseWriter, r *http.Request) {
	d, err := s.manageData(r)
	var rid int64
	if err == nil {
		rid, err = httpx.PathID(r, "rid")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	err = s.DB.Tx(r.Context(), func(tx *store.Tx) error {
		_, err := resource.Update(r.Context(), tx, s.Clock.Now(), d.Program.ID, rid, resourceInput(r))
		return err
	})
	if err != nil {
		// The row's own fields are named by its id on the page.
		err = renameFormFields(err, func(k string) string { return k + "-" + strconv.FormatInt(rid, 10) })
		s.renderForm(w, r, "resource_manage", d, err)
		return
	}
	s.redirect(w, r, programPath(d.Program.ID)+"/resources/manage", "resource.saved")
}

// renameFormFields names a coded error's fields as the page names them.
func renameFormFields(err error, name func(string) string) error {
	e, ok := errs.As(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	fields := make(map[string]errs.Msg, len(e.Fields))
	for k, m := range e.Fields {
		fields[name(k)] = m
	}
	return &errs.Error{Kind: e.Kind, Key: e.Key, Args: e.Args, Fields: fields}
}

func (s *Server) resourceRemove(w http.ResponseWriter, r *http.Request) {
	d, err := s.manageData(r)
	var rid int64
	if err == nil {
		rid, err = httpx.PathID(r, "rid")
	}
	if err == nil {
		err = resource.Remove(r.Context(), s.DB, d.Program.ID, rid)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, programPath(d.Program.ID)+"/resources/manage", "resource.removed")
}

// resourceDownload sends a file to the program's people of its audience
// and its coordinators, always as a download of the type it was stored
// as: never shown as a page of this site.
func (s *Server) resourceDownload(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var rid int64
	if err == nil {
		rid, err = httpx.PathID(r, "rid")
	}
	var res *resource.Resource
	var data []byte
	if err == nil {
		res, data, err = resource.Download(r.Context(), s.DB, httpx.User(r), id, rid)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	resource.Send(w, r, res, data)
}
