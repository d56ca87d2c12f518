package web

import "net/http"

func (s *Server) securityRoutes(mux *http.ServeMux) {
}
