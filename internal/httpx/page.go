package httpx

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"mentorskap/internal/errs"
)

// Page is one page of a list: the items, and in next the address of the
// following page, null on the last. Every list of the API pages this way,
// with ?limit= (1 to MaxLimit, DefaultLimit when absent) and ?cursor=, the
// opaque token from next.
type Page[T any] struct {
	Items []T     `json:"items"`
	Next  *string `json:"next"`
}

// Paging bounds.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// PageParams reads ?limit= and ?cursor=, naming the parameter when one is
// wrong. The cursor is returned as it came; an empty one starts the list.
func PageParams(r *http.Request) (limit int, cursor string, err error) {
	q := r.URL.Query()
	limit = DefaultLimit
	if v := q.Get("limit"); v != "" {
		n, perr := strconv.Atoi(v)
		if perr != nil || n < 1 || n > MaxLimit {
			return 0, "", &errs.Error{Kind: errs.Invalid, Key: "error.invalid",
				Fields: map[string]errs.Msg{"limit": {Key: "api.error.limit", Args: []any{"max", MaxLimit}}}}
		}
		limit = n
	}
	cursor = q.Get("cursor")
	if len(cursor) > 100 {
		return 0, "", badCursor()
	}
	return limit, cursor, nil
}

func badCursor() error {
	return &errs.Error{Kind: errs.Invalid, Key: "error.invalid", Fields: map[string]errs.Msg{"cursor": {Key: "api.error.cursor"}}}
}

// KeysetParams reads ?limit= and a cursor that is the id of the last item
// of the previous page, for lists read a page at a time from the database
// in id order.
func KeysetParams(r *http.Request) (limit int, after int64, err error) {
	limit, cursor, err := PageParams(r)
	if err != nil || cursor == "" {
		return limit, 0, err
	}
	n, perr := strconv.ParseInt(cursor, 10, 64)
	if perr != nil || n < 1 {
		return 0, 0, badCursor()
	}
	return limit, n, nil
}

// NextPage is the address of the page after one that ended at cursor, or
// nil when the page was not full (n < limit).
func NextPage(r *http.Request, n, limit int, cursor string) *string {
	if n < limit {
		return nil
	}
	q := r.URL.Query()
	q.Set("cursor", cursor)
	q.Set("limit", strconv.Itoa(limit))
	u := r.URL.Path + "?" + q.Encode()
	return &u
}

// PageOf cuts the page the request asks for out of all, a whole list in the
// stable order its domain package reads it. The cursor holds the position
// after the last item and that item's id (its ID field, when it has one),
// so that a page still follows on from the item it ended with when items
// before it came or went.
func PageOf[T any](r *http.Request, all []T) (Page[T], error) {
	limit, cursor, err := PageParams(r)
	if err != nil {
		return Page[T]{}, err
	}
	start := 0
	if cursor != "" {
		pos, id, ok := parsePosition(cursor)
		if !ok {
			return Page[T]{}, badCursor()
		}
		start = min(pos, len(all))
		if id != 0 && (start == 0 || itemID(all[start-1]) != id) {
			for i := range all {
				if itemID(all[i]) == id {
					start = i + 1
					break
				}
			}
		}
	}
	end := min(start+limit, len(all))
	p := Page[T]{Items: all[start:end:end]}
	if p.Items == nil || len(p.Items) == 0 {
		p.Items = []T{}
	}
	if end < len(all) {
		p.Next = NextPage(r, limit, limit, strconv.Itoa(end)+"."+strconv.FormatInt(itemID(all[end-1]), 10))
	}
	return p, nil
}

func parsePosition(c string) (pos int, id int64, ok bool) {
	a, b, found := strings.Cut(c, ".")
	pos, err := strconv.Atoi(a)
	if err != nil || pos < 0 {
		return 0, 0, false
	}
	if found {
		if id, err = strconv.ParseInt(b, 10, 64); err != nil || id < 0 {
			return 0, 0, false
		}
	}
	return pos, id, true
}

// itemID is the value of v's int64 field ID, or 0.
func itemID(v any) int64 {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return 0
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return 0
	}
	f := rv.FieldByName("ID")
	if !f.IsValid() || f.Kind() != reflect.Int64 {
		return 0
	}
	return f.Int()
}

// WritePage answers with the page of all that the request asks for.
func WritePage[T any](w http.ResponseWriter, r *http.Request, fail func(http.ResponseWriter, *http.Request, error), all []T) {
	p, err := PageOf(r, all)
	if err != nil {
		fail(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, p)
}
