package web

import "net/http"

func (s *Server) matchingSettingsRoutes(mux *http.ServeMux) {
}
