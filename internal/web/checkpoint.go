package web

import "net/http"

func (s *Server) checkpointRoutes(mux *http.ServeMux) {
}
