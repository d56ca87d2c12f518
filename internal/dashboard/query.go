package dashboard

import (
	"net/url"
	"strconv"
	"strings"
)

// FilterFromQuery reads the filter from a query string; the page and the
// API take the same parameters.
func FilterFromQuery(q url.Values) (Filter, error) {
	f := Filter{Tab: q.Get("tab"), State: q.Get("state"), Severity: q.Get("severity"), Signal: q.Get("signal"),
		Search: strings.TrimSpace(q.Get("q")), Sort: q.Get("sort")}
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			n = -1 // Validate names the field
		}
		f.Page = n
	}
	return f, f.Validate()
}
