package web

import (
	"embed"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
)

//go:embed static
var staticFS embed.FS

// routes lists every page and endpoint. Each area registers its own; the
// method and path patterns are Go 1.22 ServeMux patterns.
func (s *Server) routes(mux *http.ServeMux) {
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", s.staticFiles(static))
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.HandleFunc("GET /{$}", s.home)

	s.accountRoutes(mux)
	s.programRoutes(mux)
	s.cohortRoutes(mux)
	s.enrolRoutes(mux)
	s.questionRoutes(mux)
	s.adminRoutes(mux)
	s.brandRoutes(mux)
	s.matchingSettingsRoutes(mux)
	s.matchingRoutes(mux)
	s.selfMatchRoutes(mux)
	s.pairRoutes(mux)
	s.avatarRoutes(mux)
	s.agreementRoutes(mux)
	s.endingRoutes(mux)
	s.meetingRoutes(mux)
	s.notesRoutes(mux)
	s.goalRoutes(mux)
	s.messageRoutes(mux)
	s.evaluationRoutes(mux)
	s.checkpointRoutes(mux)
	s.outcomeRoutes(mux)
	s.dashboardRoutes(mux)
	s.analyticsRoutes(mux)
	s.reportRoutes(mux)
	s.reminderRoutes(mux)
	s.auditRoutes(mux)
	s.privacyRoutes(mux)
	s.securityRoutes(mux)
	s.webhookRoutes(mux)
	s.eventRoutes(mux)
	s.announceRoutes(mux)
	s.resourceRoutes(mux)
	s.signInLinkRoutes(mux)
	s.ssoRoutes(mux)
	s.passkeyRoutes(mux)
	s.confirmRoutes(mux)
	if s.API != nil {
		s.API.Register(mux)
	}

	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, errNotFound)
	})
}

// staticFiles serves the files under static/ and nothing else: a folder
// is not found rather than listed, so the tree's layout is nobody's
// business.
func (s *Server) staticFiles(files fs.FS) http.Handler {
	serve := http.StripPrefix("/static/", http.FileServerFS(files))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		if plain, ok := assets().plain[name]; ok {
			// A hashed name never changes its content (see assetURL).
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			r2 := new(http.Request)
			*r2 = *r
			r2.URL = new(url.URL)
			*r2.URL = *r.URL
			r2.URL.Path = "/static/" + plain
			r2.URL.RawPath = ""
			serve.ServeHTTP(w, r2)
			return
		}
		if st, err := fs.Stat(files, name); err != nil || st.IsDir() {
			s.fail(w, r, errNotFound)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		serve.ServeHTTP(w, r)
	})
}
