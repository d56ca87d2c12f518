package web

import "net/http"

func (s *Server) goalRoutes(mux *http.ServeMux) {
}
