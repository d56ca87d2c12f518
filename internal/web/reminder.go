package web

import "net/http"

func (s *Server) reminderRoutes(mux *http.ServeMux) {
}
