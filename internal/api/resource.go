package api

import (
	"mentorskap/internal/httpx"
	"mime"
	"net/http"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/program"
	"mentorskap/internal/resource"
	"mentorskap/internal/store"
)

// Resources through the API, with the same checks as the pages: the
// program's people read those for their role, its coordinators manage.
func (s *API) apiResourceTable() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/resources", Handler: s.apiListResources},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/resources/files", Handler: s.apiUploadResource},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/resources/links", Handler: s.apiAddResourceLink},
		{Method: "PATCH", Pattern: "/api/v1/programs/{programID}/resources/{resourceID}", Handler: s.apiUpdateResource},
		{Method: "DELETE", Pattern: "/api/v1/programs/{programID}/resources/{resourceID}", Handler: s.apiDeleteResource},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/resources/{resourceID}/file", Handler: s.apiDownloadResource},
	}
}

type apiResource struct {
	ID          int64     `json:"id"`
	ProgramID   int64     `json:"program_id"`
	Kind        string    `json:"kind"`
	Title       string    `json:"title"`
	Audience    string    `json:"audience"`
	URL         string    `json:"url,omitempty"`
	FileName    string    `json:"file_name,omitempty"`
	ContentType string    `json:"content_type,omitempty"`
	Size        int64     `json:"size,omitempty"`
	DownloadURL string    `json:"download_url,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func toAPIResource(r *resource.Resource) apiResource {
	out := apiResource{ID: r.ID, ProgramID: r.ProgramID, Kind: r.Kind, Title: r.Title, Audience: r.Audience,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	if r.IsFile() {
		out.FileName, out.ContentType, out.Size = r.FileName, r.ContentType, r.Size
		out.DownloadURL = httpx.Prefix + "/programs/" + httpx.Itoa(r.ProgramID) + "/resources/" + httpx.Itoa(r.ID) + "/file"
	} else {
		out.URL = r.URL
	}
	return out
}

// resourceViewer finds the program in the path and the caller's role in
// it, as resource.Viewer judges it.
func (s *API) resourceViewer(w http.ResponseWriter, r *http.Request) (*program.Program, program.Role, bool) {
	id, err := httpx.ProgramPathID(r)
	var prog *program.Program
	var role program.Role
	if err == nil {
		prog, role, err = resource.Viewer(r.Context(), s.DB, httpx.User(r), id)
	}
	if err != nil {
		s.fail(w, r, err)
		return nil, role, false
	}
	return prog, role, true
}

// resourceManager is resourceViewer for coordinators only.
func (s *API) resourceManager(w http.ResponseWriter, r *http.Request) (*program.Program, bool) {
	prog, role, ok := s.resourceViewer(w, r)
	if ok && role != program.RoleCoordinator {
		s.fail(w, r, errs.E(errs.Forbidden, "program.error.coordinators_only"))
		return nil, false
	}
	return prog, ok
}

func (s *API) apiListResources(w http.ResponseWriter, r *http.Request) {
	prog, role, ok := s.resourceViewer(w, r)
	if !ok {
		return
	}
	list, err := resource.List(r.Context(), s.DB, prog.ID, role)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiResource, 0, len(list))
	for i := range list {
		out = append(out, toAPIResource(&list[i]))
	}
	httpx.WritePage(w, r, s.fail, out)
}

func (s *API) created(w http.ResponseWriter, res *resource.Resource) {
	w.Header().Set("Location", httpx.Prefix+"/programs/"+httpx.Itoa(res.ProgramID)+"/resources/"+httpx.Itoa(res.ID))
	httpx.WriteJSON(w, http.StatusCreated, toAPIResource(res))
}

// apiUploadResource takes multipart/form-data with the fields file, title
// and audience, as the page's form sends it.
func (s *API) apiUploadResource(w http.ResponseWriter, r *http.Request) {
	prog, ok := s.resourceManager(w, r)
	if !ok {
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		s.fail(w, r, errs.E(errs.Unsupported, "api.error.content_type"))
		return
	}
	name, data, err := resource.ReadUpload(w, r)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	var res *resource.Resource
	if err == nil {
		err = s.DB.Tx(r.Context(), func(tx *store.Tx) error {
			res, err = resource.AddFile(r.Context(), tx, s.Clock.Now(), prog.ID, httpx.User(r).ID, resourceInput(r), name, data)
			return err
		})
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.created(w, res)
}

type resourceLinkInput struct {
	Title    string `json:"title"`
	Audience string `json:"audience"`
	URL      string `json:"url"`
}

func (s *API) apiAddResourceLink(w http.ResponseWriter, r *http.Request) {
	prog, ok := s.resourceManager(w, r)
	if !ok {
		return
	}
	var in resourceLinkInput
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	var res *resource.Resource
	err := s.DB.Tx(r.Context(), func(tx *store.Tx) error {
		var err error
		res, err = resource.AddLink(r.Context(), tx, s.Clock.Now(), prog.ID, httpx.User(r).ID,
			resource.Input{Title: in.Title, Audience: in.Audience, URL: in.URL})
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.created(w, res)
}

type resourcePatch struct {
	Title    *string `json:"title"`
	Audience *string `json:"audience"`
	URL      *string `json:"url"`
}

func (s *API) apiUpdateResource(w http.ResponseWriter, r *http.Request) {
	prog, ok := s.resourceManager(w, r)
	if !ok {
		return
	}
	id, err := httpx.PathID(r, "resourceID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in resourcePatch
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	var res *resource.Resource
	err = s.DB.Tx(r.Context(), func(tx *store.Tx) error {
		cur, err := resource.Get(r.Context(), tx, prog.ID, id, program.RoleCoordinator)
		if err != nil {
			return err
		}
		next := resource.Input{Title: cur.Title, Audience: cur.Audience}
		if in.Title != nil {
			next.Title = *in.Title
		}
		if in.Audience != nil {
			next.Audience = *in.Audience
		}
		if in.URL != nil {
			next.URL = *in.URL
			if next.URL == "" {
				next.URL = "-" // an empty address is refused, not ignored
			}
		}
		res, err = resource.Update(r.Context(), tx, s.Clock.Now(), prog.ID, id, next)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIResource(res))
}

func (s *API) apiDeleteResource(w http.ResponseWriter, r *http.Request) {
	prog, ok := s.resourceManager(w, r)
	if !ok {
		return
	}
	id, err := httpx.PathID(r, "resourceID")
	if err == nil {
		err = resource.Remove(r.Context(), s.DB, prog.ID, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *API) apiDownloadResource(w http.ResponseWriter, r *http.Request) {
	s.resourceDownload(w, r)
}

func resourceInput(r *http.Request) resource.Input {
	return resource.Input{Title: r.PostForm.Get("title"), Audience: r.PostForm.Get("audience"), URL: r.PostForm.Get("url")}
}

// resourceDownload sends a file to the program's people of its audience
// and its coordinators, always as a download of the type it was stored
// as: never shown as a page of this site.
func (s *API) resourceDownload(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	var rid int64
	if err == nil {
		rid, err = httpx.PathID(r, "resourceID")
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
