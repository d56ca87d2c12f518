package i18n

import (
	"strconv"
	"strings"
	"sync"
	"time"
)

// format holds the locale conventions for dates and numbers.
type format struct {
	months    [12]string // abbreviated month names
	weekdays  [7]string  // day names, Sunday first as time.Weekday counts
	weekday   string     // "WWW" (the day's name) and "DATE" (Date) in the order the locale writes them
	date      string     // layout with MMM standing in for the month name
	timeOnly  string
	decimal   string
	thousands string
}

var formats = map[string]format{
	"en": {
		months:   [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
		weekdays: [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
		weekday:  "WWW DATE",
		date:     "2 MMM 2006", timeOnly: "15:04", decimal: ".", thousands: ",",
	},
	"nb": {
		months:   [12]string{"jan.", "feb.", "mar.", "apr.", "mai", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "des."},
		weekdays: [7]string{"søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"},
		weekday:  "WWW DATE",
		date:     "2. MMM 2006", timeOnly: "15.04", decimal: ",", thousands: "\u00a0", // 16.30, as Språkrådet writes times
	},
	"sv": {
		months:   [12]string{"jan.", "feb.", "mars", "apr.", "maj", "juni", "juli", "aug.", "sep.", "okt.", "nov.", "dec."},
		weekdays: [7]string{"söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"},
		weekday:  "WWW DATE",
		date:     "2 MMM 2006", timeOnly: "15.04", decimal: ",", thousands: "\u00a0", // kl. 16.30, as Svenska skrivregler write times
	},
	"id": {
		months:   [12]string{"Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"},
		weekdays: [7]string{"Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"},
		weekday:  "WWW, DATE",
		date:     "2 MMM 2006", timeOnly: "15.04", decimal: ",", thousands: ".",
	},
}

// Date formats the calendar date of t with the day's name, as the locale
// writes it ("Monday 9 Mar 2026", "Senin, 9 Mar 2026"). Every date a
// person reads carries its weekday: people plan meetings and deadlines by
// the day of the week, and a bare date makes them reach for a calendar.
func (l *Locale) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	s := strings.Replace(l.fmt.weekday, "WWW", l.fmt.weekdays[t.Weekday()], 1)
	return strings.Replace(s, "DATE", l.ShortDate(t), 1)
}

// ShortDate formats the calendar date of t without the day's name, for
// where the weekday adds nothing (a date range in a dense table).
func (l *Locale) ShortDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	layout := strings.Replace(l.fmt.date, "MMM", "\x00", 1)
	s := t.Format(layout)
	return strings.Replace(s, "\x00", l.fmt.months[t.Month()-1], 1)
}

// WeekdayDate is Date; it stays for callers that name the weekday on
// purpose.
func (l *Locale) WeekdayDate(t time.Time) string { return l.Date(t) }

// Time formats the clock time of t.
func (l *Locale) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(l.fmt.timeOnly)
}

// DateTime formats t in the time zone tz (an IANA name; UTC when unknown).
func (l *Locale) DateTime(t time.Time, tz string) string {
	if t.IsZero() {
		return ""
	}
	t = In(t, tz)
	return l.Date(t) + " " + l.Time(t)
}

// When writes the start of something a reader has to turn up for, in an
// email or a list: the day's name, the date, the clock time and a zone name
// people say ("mandag 9. mar. 2026 kl. 16.30 (norsk tid)", "Senin, 9 Mar
// 2026, pukul 16.30 WIB"), never the IANA name.
func (l *Locale) When(t time.Time, tz string) string {
	if t.IsZero() {
		return ""
	}
	if location(tz) == nil {
		tz = "UTC"
	}
	t = In(t, tz)
	return l.T("time.when", "date", l.WeekdayDate(t), "time", l.Time(t), "zone", l.ZoneName(tz))
}

// ZoneName names the time zone tz the way the reader's language does:
// the zones our programs meet in have their own catalog entry
// ("zone.europe.oslo": "norsk tid", "WIB"); any other zone is named after
// its city ("tid i Reykjavik"), which every reader can place.
func (l *Locale) ZoneName(tz string) string {
	if tz == "" || strings.EqualFold(tz, "UTC") || strings.EqualFold(tz, "Etc/UTC") {
		return l.T("zone.utc")
	}
	key := "zone." + strings.ToLower(strings.ReplaceAll(tz, "/", "."))
	if l.bundle.Has(key) {
		return l.T(key)
	}
	city := tz[strings.LastIndex(tz, "/")+1:]
	return l.T("zone.city", "city", strings.ReplaceAll(city, "_", " "))
}

// In converts t to the named zone, falling back to UTC.
func In(t time.Time, tz string) time.Time {
	if loc := location(tz); loc != nil {
		return t.In(loc)
	}
	return t.UTC()
}

// locations caches loaded zones: time.LoadLocation reads the zone file from
// disk on every call, and a page formats many instants.
// Unknown names are not cached, so typed-in text cannot grow the map.
var locations sync.Map // name → *time.Location

func location(tz string) *time.Location {
	if tz == "" {
		return nil
	}
	if v, ok := locations.Load(tz); ok {
		return v.(*time.Location)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil
	}
	locations.Store(tz, loc)
	return loc
}

// Int formats an integer with the locale's digit grouping.
func (l *Locale) Int(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	if len(s) > 4 || (len(s) == 4 && l.lang == "en") {
		var b strings.Builder
		pre := len(s) % 3
		if pre > 0 {
			b.WriteString(s[:pre])
		}
		for i := pre; i < len(s); i += 3 {
			if b.Len() > 0 {
				b.WriteString(l.fmt.thousands)
			}
			b.WriteString(s[i : i+3])
		}
		s = b.String()
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Decimal formats f with the given number of decimals and the locale's
// separators.
func (l *Locale) Decimal(f float64, decimals int) string {
	s := strconv.FormatFloat(f, 'f', decimals, 64)
	whole, frac, _ := strings.Cut(s, ".")
	n, _ := strconv.Atoi(whole)
	out := l.Int(n)
	if n == 0 && strings.HasPrefix(whole, "-") {
		out = "-" + out
	}
	if frac != "" {
		out += l.fmt.decimal + frac
	}
	return out
}

// Match picks a supported language from an Accept-Language header, or ""
// when none fits. Norwegian "no" and Nynorsk "nn" readers get Bokmål, the
// closest written form we ship.
func Match(header string) string {
	type cand struct {
		lang string
		q    float64
	}
	var best cand
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		switch base {
		case "no", "nn":
			base = "nb"
		case "in": // the old ISO code for Indonesian
			base = "id"
		}
		if Supported(base) && q > best.q {
			best = cand{base, q}
		}
	}
	return best.lang
}
