package web

import "net/http"

func (s *Server) agreementRoutes(mux *http.ServeMux) {
}
