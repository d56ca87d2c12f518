// Package upgrade holds the upgrade tests only: a database as an older
// release left it, filled through plain SQL valid at that schema, carried to
// today's schema by store.Migrate and read back through today's domain
// functions, on SQLite and on PostgreSQL. It has no code of its own; it
// sits apart because it imports every domain package, which the store's own
// tests cannot.
package upgrade
