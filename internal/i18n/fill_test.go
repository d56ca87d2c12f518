package i18n

import "testing"

// TestFill pins the placeholder rules fill keeps from the strings.Replacer
// it replaced: left to right, the first value given for a name, unknown
// braces kept, values never searched again.
func TestFill(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	l := b.Locale("en")
	for _, c := range []struct {
		text string
		args []any
		want string
	}{
		{"Hello {name}", []any{"name", "Ayu"}, "Hello Ayu"},
		{"{a} and {a}, {b}", []any{"a", "x", "b", "y"}, "x and x, y"},
		{"{{n}} {other} {", []any{"n", "7"}, "{7} {other} {"},
		{"{n}", []any{"n", "{n}", "n", "no"}, "{n}"},
		{"no braces", []any{"n", 1}, "no braces"},
		{"{n} left", []any{"n", 1200}, l.Int(1200) + " left"},
	} {
		if got := l.fill(c.text, c.args); got != c.want {
			t.Errorf("fill(%q, %v) = %q, want %q", c.text, c.args, got, c.want)
		}
	}
}
