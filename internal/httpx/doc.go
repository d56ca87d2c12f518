// Package httpx is the HTTP plumbing that the pages (internal/web) and the
// JSON API (internal/api) share: who is asking and in which language (read
// from the request context the web middleware fills), problem documents
// and the mapping of error kinds to statuses, strict JSON decoding, and the
// route table type that the API registers and documents from.
package httpx
