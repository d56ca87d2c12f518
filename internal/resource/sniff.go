package resource

import (
	"archive/zip"
	"bytes"
	"net/http"
	"path"
	"slices"
	"strings"
)

// officeTypes are the office documents accepted, by extension. The zipped
// formats (OOXML, OpenDocument) sniff as application/zip and the old
// binary ones as application/octet-stream, so their extension names the
// type once the content has shown it is that kind of container.
var officeTypes = map[string]struct {
	typ       string
	container string // "zip" or "ole"
}{
	".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "zip"},
	".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "zip"},
	".pptx": {"application/vnd.openxmlformats-officedocument.presentationml.presentation", "zip"},
	".odt":  {"application/vnd.oasis.opendocument.text", "zip"},
	".ods":  {"application/vnd.oasis.opendocument.spreadsheet", "zip"},
	".odp":  {"application/vnd.oasis.opendocument.presentation", "zip"},
	".doc":  {"application/msword", "ole"},
	".xls":  {"application/vnd.ms-excel", "ole"},
	".ppt":  {"application/vnd.ms-powerpoint", "ole"},
}

// sniffedTypes are the types http.DetectContentType may find that are
// accepted as they are, each with the extensions a file of it may have
// (the first is added to a name that has none of them, so that a saved
// download opens as what it is, never as a page or a program).
var sniffedTypes = map[string][]string{
	"application/pdf": {".pdf"},
	"image/png":       {".png"},
	"image/jpeg":      {".jpg", ".jpeg"},
	"image/gif":       {".gif"},
	"image/webp":      {".webp"},
	"text/plain":      {".txt", ".text", ".md", ".csv"},
}

// oleMagic starts every Compound File (the old Word, Excel, PowerPoint).
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// Sniff finds the type of an uploaded file from its content, and says
// whether it is one Mentorskap keeps: PDF, images, office documents and
// plain text. HTML, scripts, executables and anything unrecognised are
// refused, whatever the file is called; text is taken only from a file
// named as text (a script is plain text too). It returns the name to keep,
// with the type's extension added when the name lacks it.
func Sniff(name string, data []byte) (typ, keep string, ok bool) {
	sniffed := http.DetectContentType(data)
	base, _, _ := strings.Cut(sniffed, ";")
	ext := strings.ToLower(path.Ext(name))
	if exts, ok := sniffedTypes[base]; ok {
		switch {
		case base == "text/plain" && !slices.Contains(exts, ext):
			return "", name, false
		case !slices.Contains(exts, ext):
			name += exts[0]
		}
		if base == "text/plain" {
			return "text/plain; charset=utf-8", name, true
		}
		return base, name, true
	}
	switch {
	case base == "application/zip":
		o, ok := officeTypes[ext]
		if !ok || o.container != "zip" || !officeZip(data) {
			return "", name, false
		}
		return o.typ, name, true
	case bytes.HasPrefix(data, oleMagic):
		o, ok := officeTypes[ext]
		if !ok || o.container != "ole" {
			return "", name, false
		}
		return o.typ, name, true
	}
	return "", name, false
}

// officeZip says whether a zip archive is an office document: OOXML has
// [Content_Types].xml, OpenDocument a mimetype entry.
func officeZip(data []byte) bool {
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	for _, f := range z.File {
		if f.Name == "[Content_Types].xml" || f.Name == "mimetype" {
			return true
		}
	}
	return false
}
