package web

import "net/http"

func (s *Server) enrolRoutes(mux *http.ServeMux) {
}
