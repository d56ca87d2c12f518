package store

import "sync"

// Kept keeps values read from a database from one request to the next, by
// database and id, each with the version it was read at. A reader that
// has read the current version (with a row it reads anyway) takes the
// value only while the versions match, so a change made by any process
// shows on the next read. Fill it only from reads outside a transaction:
// a transaction's own writes may yet be rolled back.
type Kept[Ver comparable, V any] struct {
	// Max bounds the values kept; past it the map starts afresh.
	Max int
	mu  sync.Mutex
	m   map[keptKey]keptValue[Ver, V]
}

type keptKey struct {
	db *DB
	id int64
}

type keptValue[Ver comparable, V any] struct {
	ver Ver
	v   V
}

// KeptFrom returns the database q reads and whether q reads outside a
// transaction, so may fill a Kept; nil for a q that is neither a DB nor a
// transaction on one.
func KeptFrom(q Q) (db *DB, fill bool) {
	switch q := q.(type) {
	case *DB:
		return q, true
	case *Tx:
		return q.DB(), false
	}
	return nil, false
}

// Get returns the value kept for id in db if it was read at version ver.
func (k *Kept[Ver, V]) Get(db *DB, id int64, ver Ver) (V, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	e, ok := k.m[keptKey{db, id}]
	if !ok || e.ver != ver {
		var zero V
		return zero, false
	}
	return e.v, true
}

// Put keeps v, read from db at version ver, for id.
func (k *Kept[Ver, V]) Put(db *DB, id int64, ver Ver, v V) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil || len(k.m) >= k.Max {
		k.m = map[keptKey]keptValue[Ver, V]{}
	}
	k.m[keptKey{db, id}] = keptValue[Ver, V]{ver, v}
}
