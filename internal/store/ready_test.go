package store_test

import (
	"context"
	"testing"

	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// A migrated database is at the binary's latest version; one whose last
// migration is missing is behind, which is what /readyz refuses on.
func TestMigrationState(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		applied, latest, err := db.MigrationState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if latest == 0 || applied != latest {
			t.Fatalf("migrated database: applied %d, latest %d", applied, latest)
		}
		if _, err := db.Exec(ctx, `DELETE FROM schema_migrations WHERE version = ?`, latest); err != nil {
			t.Fatal(err)
		}
		applied, _, err = db.MigrationState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if applied >= latest {
			t.Fatalf("after removing the last migration: applied %d, want below %d", applied, latest)
		}
		pools := db.PoolStats()
		want := map[store.Dialect][]string{store.SQLite: {"writer", "readers"}, store.Postgres: {"shared"}}[db.Dialect()]
		if len(pools) != len(want) {
			t.Fatalf("pools %v, want %v", pools, want)
		}
		for _, name := range want {
			if s, ok := pools[name]; !ok || s.MaxOpenConnections == 0 {
				t.Fatalf("pool %q: %+v (present %v)", name, s, ok)
			}
		}
	})
}
