package web

import "net/http"

func (s *Server) endingRoutes(mux *http.ServeMux) {
}
