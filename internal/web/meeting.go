package web

import "net/http"

func (s *Server) meetingRoutes(mux *http.ServeMux) {
}
