package web

import "net/http"

func (s *Server) matchingRoutes(mux *http.ServeMux) {
}
