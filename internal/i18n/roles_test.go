package i18n

import (
	"strings"
	"testing"
	"testing/fstest"
)

// TestProgramRoleWords shows a program's own word for the mentee replacing
// every form of the catalog's word, in compounds and at a sentence's start,
// while names filled into the message and the product's name stay as they are.
func TestProgramRoleWords(t *testing.T) {
	fsys := fstest.MapFS{
		"c/en/a.json": {Data: []byte(`{"a":"The mentee {name} and the mentors","b":"x"}`)},
		"c/nb/a.json": {Data: []byte(`{"a":"Adepten {name} møter adepter og mentorene; adeptens mål står på adeptsiden i Mentorskap.","b":"Mentoravtalen"}`)},
		"c/sv/a.json": {Data: []byte(`{"a":"Adepterna träffar {name}","b":"x"}`)},
		"c/id/a.json": {Data: []byte(`{"a":"Mentee {name}","b":"x"}`)},
	}
	b, err := LoadFS(fsys, "c")
	if err != nil {
		t.Fatal(err)
	}
	nbWords, ok := ParseRoleForms("nb", RoleMentee, "deltaker")
	if !ok || strings.Join(nbWords, ",") != "deltaker,deltakeren,deltakere,deltakerne" {
		t.Fatalf("derived nb forms %v %v", nbWords, ok)
	}
	fadder, ok := ParseRoleForms("nb", RoleMentor, "Fadder, fadderen, faddere, fadderne")
	if !ok {
		t.Fatal("four typed forms rejected")
	}
	nb := b.Locale("nb").WithRoles(RoleWords{RoleMentee: nbWords, RoleMentor: fadder})
	if got, want := nb.T("a", "name", "Adeptus Adept"), "Deltakeren Adeptus Adept møter deltakere og fadderne; deltakerens mål står på deltakersiden i Mentorskap."; got != want {
		t.Errorf("nb:\n got %q\nwant %q", got, want)
	}
	if got := nb.T("b"); got != "Mentoravtalen" {
		t.Errorf("mentor compounds must stay: %q", got)
	}
	if got := b.Locale("nb").T("b"); got != "Mentoravtalen" {
		t.Errorf("the plain locale changed: %q", got)
	}
	svWords, _ := ParseRoleForms("sv", RoleMentee, "deltagare")
	if got := b.Locale("sv").WithRoles(RoleWords{RoleMentee: svWords}).T("a", "name", "Eva"); got != "Deltagarna träffar Eva" {
		t.Errorf("sv: %q", got)
	}
	idWords, _ := ParseRoleForms("id", RoleMentee, "peserta")
	if got := b.Locale("id").WithRoles(RoleWords{RoleMentee: idWords}).T("a", "name", "Ayu"); got != "Peserta Ayu" {
		t.Errorf("id: %q", got)
	}
	for _, bad := range []string{"a, b", "<b>", "x1", strings.Repeat("a", MaxRoleWordLen+1)} {
		if _, ok := ParseRoleForms("nb", RoleMentee, bad); ok {
			t.Errorf("accepted %q", bad)
		}
	}
	if forms, ok := ParseRoleForms("nb", RoleMentee, "  "); !ok || forms != nil {
		t.Errorf("empty means the default: %v %v", forms, ok)
	}
}
