package web

import (
	"net/http"
	"strconv"
	"strings"

	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
)

// withProgramRoles makes l say the role words (adept, deltaker, mentee…)
// that the program a page belongs to has chosen, so that every page of a
// program and of its pairs uses the program's word without each handler
// passing it on. The program is found from the path, the one thing all of
// them share: /programs/{id}/… and /pairs/{id}/…. Role words are not
// confidential, and the page itself still checks who may see it.
func (s *Server) withProgramRoles(r *http.Request, l *i18n.Locale) *i18n.Locale {
	var programID int64
	ctx := r.Context()
	switch first, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/"); first {
	case "programs", "pairs":
		idText, _, _ := strings.Cut(rest, "/")
		id, err := strconv.ParseInt(idText, 10, 64)
		if err != nil || id <= 0 {
			return l
		}
		programID = id
		if first == "pairs" {
			if err := s.DB.QueryRow(ctx, `SELECT program_id FROM pairs WHERE id = ?`, id).Scan(&programID); err != nil {
				return l
			}
		}
	default:
		return l
	}
	words, err := program.RoleWordsOf(ctx, s.DB, programID)
	if err != nil {
		return l
	}
	return l.WithRoles(words[l.Lang()])
}
