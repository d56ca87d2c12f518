package program

import (
	"context"
	"strings"

	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/store"
)

// RoleField is the settings form field for role in lang ("role_mentee_nb").
func RoleField(role, lang string) string { return "role_" + role + "_" + lang }

// RoleText is what the settings form shows for role in lang: the program's
// forms as the coordinator typed them, or "" for the catalog's word.
func (p *Program) RoleText(role, lang string) string {
	return strings.Join(p.Roles[lang][role], ", ")
}

// LocaleFor is l speaking this program's role words, for its pages and
// emails.
func (p *Program) LocaleFor(l *i18n.Locale) *i18n.Locale {
	if p == nil {
		return l
	}
	return l.WithRoles(p.Roles[l.Lang()])
}

// parseRoles reads the role words a coordinator typed, one text per
// language and role; a problem becomes a message on that field.
func parseRoles(in map[string]map[string]string, v *errs.Validation) map[string]i18n.RoleWords {
	out := map[string]i18n.RoleWords{}
	for _, lang := range i18n.Languages {
		for _, role := range i18n.Roles {
			text := in[lang][role]
			forms, ok := i18n.ParseRoleForms(lang, role, text)
			v.Check(ok, RoleField(role, lang), "program.error.role_forms",
				"forms", i18n.DefaultRoleForms(lang, role), "max", i18n.MaxRoleWordLen)
			if ok && forms != nil {
				if out[lang] == nil {
					out[lang] = i18n.RoleWords{}
				}
				out[lang][role] = forms
			}
		}
	}
	return out
}

// loadRoles reads the program's role words.
func (p *Program) loadRoles(ctx context.Context, q store.Q) (err error) {
	p.Roles, err = RoleWordsOf(ctx, q, p.ID)
	return err
}

// RoleWordsOf reads what a program calls its roles, language → words, for
// a page that needs only that.
func RoleWordsOf(ctx context.Context, q store.Q, programID int64) (map[string]i18n.RoleWords, error) {
	if m := memoOf(ctx, q); m != nil {
		if words, ok := m.roles(programID); ok {
			return words, nil
		}
	}
	return roleWords(ctx, q, `SELECT language, role, forms FROM program_role_names WHERE program_id = ?`, programID)
}

// RoleWordsOfPair is RoleWordsOf for the program a pair belongs to, in one
// query: every page of a pair asks for it. A page that has read the pair's
// program already (its terms) gets the words read with it, without a
// statement. The map is for reading only.
func RoleWordsOfPair(ctx context.Context, q store.Q, pairID int64) (map[string]i18n.RoleWords, error) {
	if m := memoOf(ctx, q); m != nil {
		m.mu.Lock()
		p, ok := m.pairs[pairID]
		m.mu.Unlock()
		if ok {
			if words, ok := m.roles(p.ProgramID); ok {
				return words, nil
			}
		}
	}
	return roleWords(ctx, q, `SELECT r.language, r.role, r.forms FROM program_role_names r
		JOIN pairs p ON p.program_id = r.program_id WHERE p.id = ?`, pairID)
}

func roleWords(ctx context.Context, q store.Q, query string, id int64) (map[string]i18n.RoleWords, error) {
	rows, err := q.Query(ctx, query, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]i18n.RoleWords{}
	for rows.Next() {
		var lang, role, forms string
		if err := rows.Scan(&lang, &role, &forms); err != nil {
			return nil, err
		}
		if out[lang] == nil {
			out[lang] = i18n.RoleWords{}
		}
		out[lang][role] = strings.Split(forms, ",")
	}
	return out, rows.Err()
}

// saveRoles replaces the program's role words with p.Roles.
func (p *Program) saveRoles(ctx context.Context, tx *store.Tx) error {
	if _, err := tx.Exec(ctx, `DELETE FROM program_role_names WHERE program_id = ?`, p.ID); err != nil {
		return err
	}
	for lang, words := range p.Roles {
		for role, forms := range words {
			if _, err := tx.Exec(ctx, `INSERT INTO program_role_names (program_id, language, role, forms) VALUES (?, ?, ?, ?)`,
				p.ID, lang, role, strings.Join(forms, ",")); err != nil {
				return err
			}
		}
	}
	return nil
}
