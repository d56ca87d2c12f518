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
	first, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if first != "programs" && first != "pairs" {
		return l
	}
	idText, _, _ := strings.Cut(rest, "/")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return l
	}
	var words map[string]i18n.RoleWords
	if first == "pairs" {
		words, err = program.RoleWordsOfPair(r.Context(), s.DB, id)
	} else {
		words, err = program.RoleWordsOf(r.Context(), s.DB, id)
	}
	if err != nil {
		return l
	}
	return l.WithRoles(words[l.Lang()])
}
