package resource

import (
	"archive/zip"
	"bytes"
	"testing"
)

func zipWith(t *testing.T, names ...string) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, n := range names {
		w, _ := z.Create(n)
		w.Write([]byte("x"))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSniff(t *testing.T) {
	t.Parallel()
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 64)...)
	for _, c := range []struct {
		name     string
		data     []byte
		typ      string
		keep     string
		accepted bool
	}{
		{"a.pdf", []byte("%PDF-1.7\n"), "application/pdf", "a.pdf", true},
		{"a.html", []byte("%PDF-1.7\n"), "application/pdf", "a.html.pdf", true}, // saved as what it is
		{"photo.png", png, "image/png", "photo.png", true},
		{"notes.txt", []byte("hello\n"), "text/plain; charset=utf-8", "notes.txt", true},
		{"list.csv", []byte("a,b\n1,2\n"), "text/plain; charset=utf-8", "list.csv", true},
		{"doc.docx", zipWith(t, "[Content_Types].xml", "word/document.xml"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "doc.docx", true},
		{"sheet.ods", zipWith(t, "mimetype", "content.xml"), "application/vnd.oasis.opendocument.spreadsheet", "sheet.ods", true},
		{"old.doc", ole, "application/msword", "old.doc", true},
		{"page.html", []byte("<!DOCTYPE html><p>hi"), "", "", false},
		{"page.txt", []byte("<html><script>x</script>"), "", "", false},
		{"run.sh", []byte("#!/bin/sh\necho hi\n"), "", "", false},
		{"prog.exe", append([]byte("MZ\x90\x00"), make([]byte, 64)...), "", "", false},
		{"archive.zip", zipWith(t, "a.txt"), "", "", false},
		{"fake.docx", zipWith(t, "a.txt"), "", "", false},
		{"macro.exe", ole, "", "", false},
		{"x.svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>`), "", "", false},
	} {
		typ, keep, ok := Sniff(c.name, c.data)
		if ok != c.accepted || (ok && (typ != c.typ || keep != c.keep)) {
			t.Errorf("Sniff(%q) = %q, %q, %v; want %q, %q, %v", c.name, typ, keep, ok, c.typ, c.keep, c.accepted)
		}
	}
}

func TestCheckURL(t *testing.T) {
	t.Parallel()
	for u, want := range map[string]bool{
		"https://example.org/video":   true,
		"http://example.org":          true,
		"javascript:alert(1)":         false,
		"ftp://example.org/a":         false,
		"//example.org/a":             false,
		"example.org":                 false,
		"https://user:pw@example.org": false,
		"https://exa mple.org":        false,
		"":                            false,
	} {
		if got := CheckURL(u); got != want {
			t.Errorf("CheckURL(%q) = %v, want %v", u, got, want)
		}
	}
}

func TestCleanName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`C:\Users\kari\Handbok.pdf`: "Handbok.pdf",
		"../../etc/passwd":          "passwd",
		"a\"b\nc.pdf":               "abc.pdf",
		"":                          "file",
		"..":                        "file",
	} {
		if got := cleanName(in); got != want {
			t.Errorf("cleanName(%q) = %q, want %q", in, got, want)
		}
	}
}
