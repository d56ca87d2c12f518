package web

import "net/http"

func (s *Server) programRoutes(mux *http.ServeMux) {
}
