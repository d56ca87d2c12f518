package web

import "net/http"

func (s *Server) analyticsRoutes(mux *http.ServeMux) {
}
