package main

import (
	"sort"
	"strings"

	"mentorskap/internal/errs"
)

// describe turns an error into English text for the terminal, spelling out
// each field's validation message.
func describe(a *app, err error) string {
	e, ok := errs.As(err)
	if !ok {
		return err.Error()
	}
	l := a.bundle.Locale("en")
	if len(e.Fields) == 0 {
		return l.Msg(e.Key, e.Args)
	}
	var parts []string
	for f, m := range e.Fields {
		parts = append(parts, f+": "+l.Msg(m.Key, m.Args))
	}
	sort.Strings(parts)
	return strings.Join(parts, "; ")
}
