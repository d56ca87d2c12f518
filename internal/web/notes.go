package web

import "net/http"

func (s *Server) notesRoutes(mux *http.ServeMux) {
}
