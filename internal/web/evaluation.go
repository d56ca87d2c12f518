package web

import "net/http"

func (s *Server) evaluationRoutes(mux *http.ServeMux) {
}
