package storetest

import (
	"context"
	"os"
	"strings"
	"testing"

	"mentorskap/internal/store"
)

// The one-transaction migration of a test schema must leave exactly what
// store.Migrate leaves: the same tables, columns, defaults, constraints,
// indexes, views, functions, triggers, seed rows and schema_migrations.
func TestFastMigrationMatchesMigrate(t *testing.T) {
	Postgres(t) // skips (or fails under MENTORSKAP_CI) without a server
	if postgresMigrations() == nil {
		t.Fatal("the PostgreSQL migrations are not readable beside storetest.go")
	}
	slow := func() *store.DB {
		dsn, drop := FreshSchema(t, os.Getenv(EnvPostgres))
		t.Cleanup(drop)
		return open(t, dsn)
	}()
	fast := Postgres(t)
	want, got := catalog(t, slow), catalog(t, fast)
	if len(want) < 100 {
		t.Fatalf("catalog too small to prove anything: %d lines", len(want))
	}
	wantSet := map[string]bool{}
	for _, l := range want {
		wantSet[l] = true
	}
	gotSet := map[string]bool{}
	for _, l := range got {
		gotSet[l] = true
		if !wantSet[l] {
			t.Errorf("only after the fast migration: %s", l)
		}
	}
	for _, l := range want {
		if !gotSet[l] {
			t.Errorf("only after store.Migrate: %s", l)
		}
	}
}

// catalog describes the current schema, with its name taken out.
func catalog(t *testing.T, db *store.DB) []string {
	t.Helper()
	ctx := context.Background()
	var schema string
	if err := db.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	queries := []string{
		`SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '')
		 FROM information_schema.columns WHERE table_schema = current_schema()`,
		`SELECT 'constraint ' || c.conrelid::regclass::text || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid)
		 FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = current_schema()`,
		`SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = current_schema()`,
		`SELECT 'view ' || viewname || ' ' || definition FROM pg_views WHERE schemaname = current_schema()`,
		`SELECT 'function ' || p.proname || ' ' || pg_get_functiondef(p.oid)
		 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema()`,
		`SELECT 'trigger ' || tg.tgrelid::regclass::text || ' ' || pg_get_triggerdef(tg.oid)
		 FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		 WHERE n.nspname = current_schema() AND NOT tg.tgisinternal`,
		`SELECT 'migration ' || version || ' ' || name FROM schema_migrations`,
		`SELECT 'table ' || table_name || ' rows ' || (xpath('/row/n/text()', query_to_xml('SELECT count(*) AS n FROM ' || quote_ident(table_name), false, true, '')))[1]::text
		 FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
	}
	var out []string
	for _, q := range queries {
		rows, err := db.Query(ctx, q)
		if err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			out = append(out, strings.ReplaceAll(line, schema, "SCHEMA"))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return out
}
