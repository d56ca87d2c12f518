package api

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"testing"

	"mentorskap/internal/agreement"
)

// fillAll sets every field of v (a pointer) to a value of its own: strings
// name their place, numbers count up, booleans are true, and lists hold one
// item (two levels deep, for sub-goals), so a field the API copy forgets
// shows.
func fillAll(v reflect.Value, name string, n *int, depth int) {
	switch v.Kind() {
	case reflect.Pointer:
		fillAll(v.Elem(), name, n, depth)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			fillAll(v.Field(i), name+"."+v.Type().Field(i).Name, n, depth)
		}
	case reflect.Slice:
		if depth > 1 {
			return
		}
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fillAll(s.Index(0), name+".0", n, depth+1)
		v.Set(s)
	case reflect.String:
		*n++
		v.SetString(name + " " + strconv.Itoa(*n))
	case reflect.Int:
		*n++
		v.SetInt(int64(*n))
	case reflect.Bool:
		v.SetBool(true)
	default:
		panic("fillAll: " + v.Kind().String())
	}
}

// TestAgreementContentIsCanonical keeps the API's spelling of an agreement
// in step with the canonical form its hash is taken over: every field there,
// in the same order, with only the three dates renamed. That is the recipe
// the document gives clients for recomputing a hash.
func TestAgreementContentIsCanonical(t *testing.T) {
	t.Parallel()
	var c agreement.Content
	n := 0
	fillAll(reflect.ValueOf(&c), "c", &n, 0)
	c.Normalize()

	if back := toAPIAgreementContent(c).domain(); !reflect.DeepEqual(back, c) {
		t.Fatalf("the API's copy loses something:\n%+v\n%+v", c, back)
	}

	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(toAPIAgreementContent(c)); err != nil {
		t.Fatal(err)
	}
	api := bytes.TrimSuffix(b.Bytes(), []byte("\n"))
	for _, names := range [][2]string{{"starts_on", "start_date"}, {"ends_on", "end_date"}, {"target_on", "target_date"}} {
		api = bytes.ReplaceAll(api, []byte(`"`+names[0]+`":`), []byte(`"`+names[1]+`":`))
	}
	if want := agreement.Canonical(c); !bytes.Equal(api, want) {
		t.Fatalf("the API's content with the canonical names is not the canonical form:\n%s\n%s", api, want)
	}
}

// TestAgreementFieldNames: the agreement's validation names fields by the
// canonical JSON paths; the API answers with its own, under content.
func TestAgreementFieldNames(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"start_date":                       "content.starts_on",
		"end_date":                         "content.ends_on",
		"goals.2.target_date":              "content.goals.2.target_on",
		"goals.0.sub_goals.1.target_date":  "content.goals.0.sub_goals.1.target_on",
		"goals.0.sub_goals.1.title":        "content.goals.0.sub_goals.1.title",
		"max_minutes":                      "content.max_minutes",
		"mentor.will_not":                  "content.mentor.will_not",
		"goals.0.target_date_with_suffix":  "content.goals.0.target_date_with_suffix",
		"goals.0.sub_goals.0.target_dates": "content.goals.0.sub_goals.0.target_dates",
	} {
		if got := agreementFieldName(in); got != want {
			t.Errorf("%s → %s, want %s", in, got, want)
		}
	}
}
