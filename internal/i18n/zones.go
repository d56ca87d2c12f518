package i18n

import (
	"slices"
	"sync"
	"time"
)

// Zones lists the IANA time zones a person may choose, sorted by name.
// Forms offer exactly this list and accept nothing else, so a zone is never
// a typing mistake or an alias that reads differently in another program
// (a calendar application, the other side's phone). Only names this
// binary's time zone database can load are listed.
func Zones() []string {
	zonesOnce.Do(func() {
		for _, z := range zoneNames {
			if _, err := time.LoadLocation(z); err == nil {
				zones = append(zones, z)
			}
		}
	})
	return zones
}

var (
	zonesOnce sync.Once
	zones     []string
)

// KnownZone reports whether tz is on the list Zones offers.
func KnownZone(tz string) bool {
	_, ok := slices.BinarySearch(Zones(), tz)
	return ok
}
