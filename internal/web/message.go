package web

import "net/http"

func (s *Server) messageRoutes(mux *http.ServeMux) {
}
