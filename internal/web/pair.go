package web

import "net/http"

func (s *Server) pairRoutes(mux *http.ServeMux) {
}
