package web

import "net/http"

func (s *Server) selfMatchRoutes(mux *http.ServeMux) {
}
