package web

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// gzipMin is the smallest page worth compressing. A smaller page fits in
// TCP's initial congestion window (ten segments, about 14 kB with the
// headers) and arrives in the first round trip compressed or not, while
// compressing it cost a tenth of a page view's CPU time (bench/README.md).
// Longer pages (lists, dashboards, the agreement) need more round trips
// on a slow network, and those are compressed.
const gzipMin = 12 << 10

// gzipWriters are reused: a gzip.Writer holds over 800 kB of tables, too
// much to make for every page.
var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

// writeCompressed writes a rendered HTML page, gzipped when the browser
// accepts it and the page is long (see gzipMin). Pages are repetitive
// markup and shrink to about a fifth, which is what a phone on a slow
// network waits for.
//
// A page whose address has a query string goes out as it is: the address
// is written back into every page (the language switcher's return path),
// and compressing text an attacker chose beside a secret on the same page
// is the BREACH attack on HTTPS. Without a query string a page reflects
// nothing of the request but its routed path.
//
// The length is set because the page is whole before it is written:
// without it net/http sends a page longer than 2 kB in chunks, one more
// system call per page and more for the browser to reassemble.
func writeCompressed(w http.ResponseWriter, r *http.Request, code int, page []byte) {
	h := w.Header()
	h.Add("Vary", "Accept-Encoding")
	if len(page) < gzipMin || r.URL.RawQuery != "" || r.Method == http.MethodHead || !acceptsGzip(r) {
		h.Set("Content-Length", strconv.Itoa(len(page)))
		w.WriteHeader(code)
		w.Write(page)
		return
	}
	var buf bytes.Buffer
	buf.Grow(len(page) / 3)
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(&buf)
	zw.Write(page)
	zw.Close()
	gzipWriters.Put(zw)
	h.Set("Content-Encoding", "gzip")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

// acceptsGzip reads Accept-Encoding, honouring an explicit q=0.
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(v, ",") {
			name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
				continue
			}
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
