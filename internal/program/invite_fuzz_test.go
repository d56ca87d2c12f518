package program

import (
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
)

// FuzzInviteCSV checks the upload parser never panics, and that every row
// it keeps is one the invitation rules accept, once per address.
func FuzzInviteCSV(f *testing.F) {
	for _, s := range []string{
		"email,name,role,language\nana@example.org,Ana,mentee,nb\n",
		"\xef\xbb\xbfemail;name\nbo@example.org;\"Bo; Jr\"\n",
		"email\n\"unterminated\n", "name\nx\n", "email,name\na@b.co,x,y\n",
		"email,name\n<script>@x.org,\"><img onerror=alert(1)>\nc@d.co,\xff\xfe\n",
		"email,role\na@b.co,boss\na@b.co,mentor\nA@B.CO,mentee\n", "", "\n\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, report, err := parseInviteCSV(data)
		if err != nil {
			if _, ok := errs.As(err); !ok {
				t.Fatalf("uncoded error %v", err)
			}
			return
		}
		if len(rows)+len(report.Problems) != report.Rows {
			t.Fatalf("%d rows, %d problems, %d counted", len(rows), len(report.Problems), report.Rows)
		}
		seen := map[string]bool{}
		for _, r := range rows {
			if !account.ValidEmail(r.inv.Email) || seen[r.inv.Email] || !ValidInviteRole(r.inv.Role) {
				t.Fatalf("kept row %+v", r)
			}
			seen[r.inv.Email] = true
		}
	})
}
