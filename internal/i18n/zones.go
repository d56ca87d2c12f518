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

// zoneAliases maps old names browsers still report (Intl gives the name
// the operating system uses) to the names on the list.
var zoneAliases = map[string]string{
	"Asia/Calcutta": "Asia/Kolkata", "Asia/Saigon": "Asia/Ho_Chi_Minh", "Asia/Katmandu": "Asia/Kathmandu",
	"Asia/Rangoon": "Asia/Yangon", "Europe/Kiev": "Europe/Kyiv", "Asia/Ujung_Pandang": "Asia/Makassar",
	"America/Buenos_Aires": "America/Argentina/Buenos_Aires", "Atlantic/Faeroe": "Atlantic/Faroe",
	"Etc/UTC": "UTC", "Etc/GMT": "UTC", "GMT": "UTC", "Etc/Universal": "UTC", "Universal": "UTC", "Zulu": "UTC",
}

// DetectedZone turns the zone a browser reported into one on the list:
// the name itself, its current name when it is an old alias, or UTC. It is
// for the zone filled in without asking (creating an account), where a
// refusal would be an error on a field the person never saw; they choose
// from the list in their profile.
func DetectedZone(tz string) string {
	if KnownZone(tz) {
		return tz
	}
	if to, ok := zoneAliases[tz]; ok && KnownZone(to) {
		return to
	}
	return "UTC"
}
