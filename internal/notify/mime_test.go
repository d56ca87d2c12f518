package notify_test

import (
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"testing"
)

// leaf is one non-multipart part of an email, decoded as a mail client
// would: read with the standard library's MIME parser, which shares no
// code with the library that wrote the message.
type leaf struct {
	Type   string // media type, lower case
	Params map[string]string
	Header textproto.MIMEHeader
	Path   string // the multipart types it sits in, e.g. "multipart/mixed/multipart/alternative"
	Data   []byte
}

// readMIME parses raw and returns its header and every leaf part in order.
func readMIME(t *testing.T, raw string) (mail.Header, []leaf) {
	t.Helper()
	for _, line := range strings.Split(raw, "\r\n") {
		if len(line) > 998 {
			t.Fatalf("line longer than RFC 5322 allows: %d octets", len(line))
		}
	}
	m, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var leaves []leaf
	var walk func(h textproto.MIMEHeader, body io.Reader, path string)
	walk = func(h textproto.MIMEHeader, body io.Reader, path string) {
		mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
		if err != nil {
			t.Fatalf("Content-Type %q: %v", h.Get("Content-Type"), err)
		}
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextRawPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				walk(p.Header, p, path+"/"+mt)
			}
		}
		var r io.Reader = body
		switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
		case "quoted-printable":
			r = quotedprintable.NewReader(body)
		case "base64":
			r = base64.NewDecoder(base64.StdEncoding, body)
		}
		data, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("part %s: %v", mt, err)
		}
		leaves = append(leaves, leaf{Type: mt, Params: params, Header: h, Path: strings.TrimPrefix(path, "/"), Data: data})
	}
	walk(textproto.MIMEHeader(m.Header), m.Body, "")
	return m.Header, leaves
}

func findLeaf(leaves []leaf, mediaType string) *leaf {
	for i := range leaves {
		if leaves[i].Type == mediaType {
			return &leaves[i]
		}
	}
	return nil
}
