package audit

import (
	"net/url"
	"strconv"
)

// FilterFromQuery reads the filters from the query string. Unreadable numbers
// are treated as absent rather than refused: a filter only narrows a view.
func FilterFromQuery(q url.Values, limit int) Filter {
	n := func(k string) int64 {
		v, _ := strconv.ParseInt(q.Get(k), 10, 64)
		return max(v, 0)
	}
	f := Filter{ActorID: n("actor"), ProgramID: n("program"), PairID: n("pair"), Before: n("before"), Limit: limit}
	switch a := q.Get("action"); a {
	case ActionPairView, ActionPairChange, ActionExport:
		f.Action = a
	}
	return f
}
