package store

import "testing"

// TestKeptByVersion checks that a kept value comes back only for its
// database, id and version, and that the bound starts the map afresh.
func TestKeptByVersion(t *testing.T) {
	a, b := &DB{}, &DB{}
	k := Kept[int64, string]{Max: 2}
	k.Put(a, 1, 7, "seven")
	if v, ok := k.Get(a, 1, 7); !ok || v != "seven" {
		t.Fatalf("same version: %q %v", v, ok)
	}
	for _, c := range []struct {
		db      *DB
		id, ver int64
	}{{a, 1, 8}, {b, 1, 7}, {a, 2, 7}, {nil, 1, 7}} {
		if v, ok := k.Get(c.db, c.id, c.ver); ok {
			t.Errorf("db %p, id %d, version %d: got %q", c.db, c.id, c.ver, v)
		}
	}
	k.Put(a, 2, 1, "two")
	k.Put(a, 3, 1, "three") // past Max: the first two go
	if _, ok := k.Get(a, 1, 7); ok {
		t.Error("the map kept more than Max values")
	}
	if v, ok := k.Get(a, 3, 1); !ok || v != "three" {
		t.Errorf("after the reset: %q %v", v, ok)
	}
}
