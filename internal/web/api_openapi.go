package web

import (
	_ "embed"
	"net/http"
)

// openAPIDoc describes every /api/v1 endpoint. It is written by hand;
// TestOpenAPIMatchesRoutes keeps it in step with apiTable.
//
//go:embed openapi.json
var openAPIDoc []byte

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPIDoc)
}
