package web

import "net/http"

func (s *Server) privacyRoutes(mux *http.ServeMux) {
}
