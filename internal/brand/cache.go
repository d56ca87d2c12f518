package brand

import (
	"sync"
	"time"
)

// TTL is how long an instance shows the brand it read last. Every page
// shows the brand and it changes perhaps once a year, so reading it for each
// page was a query in every page's budget (TestMemberPageQueries). A save
// on this instance clears it at once; other instances follow within this.
const TTL = 10 * time.Second

// Cache holds the last brand read, for TTL, by the process's own clock (not
// s.Clock, which tests stop).
type Cache struct {
	mu sync.Mutex
	b  *Brand
	at time.Time
}

// Get returns the brand read last, or nil when there is none or it is
// older than TTL. A nil Cache keeps nothing.
func (c *Cache) Get() *Brand {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.b == nil || time.Since(c.at) > TTL {
		return nil
	}
	return c.b
}

// Put keeps b.
func (c *Cache) Put(b *Brand) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.b, c.at = b, time.Now()
}

// Clear forgets the brand, after a save.
func (c *Cache) Clear() { c.Put(nil) }
