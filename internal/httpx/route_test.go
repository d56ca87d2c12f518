package httpx

import (
	"errors"
	"reflect"
	"testing"

	"mentorskap/internal/errs"
)

// TestFieldRenames: the renames change the names of a validation error's
// fields and nothing else, leave the original error alone, and pass any
// other error through.
func TestFieldRenames(t *testing.T) {
	t.Parallel()
	in := &errs.Error{Kind: errs.Invalid, Key: "error.invalid", Fields: map[string]errs.Msg{
		"date": {Key: "a"}, "end": {Key: "b", Args: []any{"max", 3}}, "title": {Key: "c"}}}
	names := func(err error) map[string]errs.Msg {
		e, ok := errs.As(err)
		if !ok || e.Kind != errs.Invalid || e.Key != "error.invalid" {
			t.Fatalf("not the validation error: %v", err)
		}
		return e.Fields
	}
	want := map[string]errs.Msg{"starts_on": {Key: "a"}, "ends_on": {Key: "b", Args: []any{"max", 3}}, "title": {Key: "c"}}
	if got := names(RenameFields(in, map[string]string{"date": "starts_on", "end": "ends_on"})); !reflect.DeepEqual(got, want) {
		t.Errorf("RenameFields: %v", got)
	}
	under := func(f string) string { return "x." + f }
	if got := names(MapFields(in, under)); len(got) != 3 || got["x.date"].Key != "a" || got["x.end"].Key != "b" {
		t.Errorf("MapFields: %v", got)
	}
	if got := names(PrefixFields(in, "q.")); len(got) != 3 || got["q.title"].Key != "c" {
		t.Errorf("PrefixFields: %v", got)
	}
	if _, ok := in.Fields["date"]; !ok || len(in.Fields) != 3 {
		t.Errorf("the original error changed: %v", in.Fields)
	}
	plain := errors.New("disk full")
	if MapFields(plain, under) != plain || RenameFields(nil, nil) != nil {
		t.Error("an error without fields is not passed through")
	}
	conflict := errs.E(errs.Conflict, "x")
	if MapFields(conflict, under) != conflict {
		t.Error("an error without fields is not passed through")
	}
}
