package web

import (
	"fmt"
	"html/template"
	"sort"
	"strings"

	"mentorskap/internal/account"
)

// The product's icons: one set, drawn here as strokes on a 24×24 grid so
// they take the text colour (currentColor) and scale with the text (the
// stylesheet's .icon sets 1.25em). They replace the Unicode symbols pages
// used to borrow from whatever font the reader had, where one showed as an
// empty box and others read out as "black heart suit" to a screen reader.
//
// An icon is inline SVG rather than an icon font or a sprite file: it needs
// no extra request, cannot fail to load on its own, and prints.
var iconPaths = map[string]string{
	// arrows and wayfinding
	"back":    `<path d="M19 12H5M11 18l-6-6 6-6"/>`,
	"next":    `<path d="M5 12h14M13 6l6 6-6 6"/>`,
	"chevron": `<path d="M9.5 6l6 6-6 6"/>`,
	// states
	"check":   `<path d="M4.5 12.5l4.5 4.5L19.5 7"/>`,
	"cross":   `<path d="M6 6l12 12M18 6L6 18"/>`,
	"warning": `<path d="M12 3.5L2.5 20h19z"/><path d="M12 10v4.5M12 17.5v.01"/>`,
	"info":    `<circle cx="12" cy="12" r="9"/><path d="M12 11v6M12 7.5v.01"/>`,
	// things in the product
	"mail":      `<rect x="3" y="5" width="18" height="14" rx="2"/><path d="M3.5 6.5l8.5 6.5 8.5-6.5"/>`,
	"match":     `<path d="M7 4L3 8l4 4M3 8h14M17 12l4 4-4 4M21 16H7"/>`,
	"sliders":   `<path d="M4 6h9M17 6h3M4 12h3M11 12h9M4 18h11M19 18h1"/><circle cx="15" cy="6" r="2"/><circle cx="9" cy="12" r="2"/><circle cx="17" cy="18" r="2"/>`,
	"list":      `<path d="M9 6h11M9 12h11M9 18h11M4.5 6v.01M4.5 12v.01M4.5 18v.01"/>`,
	"pen":       `<path d="M4 20l1-4.5L15.5 5a2.1 2.1 0 0 1 3 3L8 18.5zM13.5 7l3 3M13 20h7"/>`,
	"heart":     `<path d="M12 20s-7.5-4.6-7.5-10.2A4.1 4.1 0 0 1 12 7.3a4.1 4.1 0 0 1 7.5 2.5C19.5 15.4 12 20 12 20z"/>`,
	"chart":     `<path d="M4 20h16M7 16.5v-5M12 16.5V6.5M17 16.5v-8"/>`,
	"hourglass": `<path d="M6.5 3.5h11M6.5 20.5h11M8 3.5v3.2l4 5.3-4 5.3v3.2M16 3.5v3.2L12 12l4 5.3v3.2"/>`,
	"calendar":  `<rect x="3.5" y="5" width="17" height="15.5" rx="2"/><path d="M3.5 10h17M8 3v4M16 3v4"/>`,
	"clock":     `<circle cx="12" cy="12" r="8.5"/><path d="M12 7.5V12l3 2"/>`,
	"people":    `<circle cx="9" cy="8.5" r="3.5"/><path d="M2.5 20a6.5 6.5 0 0 1 13 0M15.5 5a3.5 3.5 0 0 1 0 7M18 14.2a6.5 6.5 0 0 1 3.5 5.8"/>`,
	"message":   `<path d="M4 5h16v11H10l-6 4z"/>`,
	"target":    `<circle cx="12" cy="12" r="8.5"/><circle cx="12" cy="12" r="4.5"/><path d="M12 12v.01"/>`,
	"place":     `<path d="M12 21s-6.5-6-6.5-11a6.5 6.5 0 0 1 13 0c0 5-6.5 11-6.5 11z"/><circle cx="12" cy="10" r="2.3"/>`,
	"video":     `<rect x="3" y="6.5" width="12.5" height="11" rx="2"/><path d="M15.5 10.5l5.5-3v9l-5.5-3z"/>`,
	"plus":      `<path d="M12 5v14M5 12h14"/>`,
	"print":     `<path d="M7 9V3.5h10V9M7 17H4.5V9.5h15V17H17M7 14h10v6.5H7z"/>`,
	"download":  `<path d="M12 4v11M7 10.5l5 5 5-5M4.5 20h15"/>`,
	"lock":      `<rect x="5" y="10.5" width="14" height="10" rx="2"/><path d="M8 10.5V8a4 4 0 0 1 8 0v2.5"/>`,
}

// iconNames lists the icons, sorted: for tests and for an error that says
// what exists.
func iconNames() []string {
	names := make([]string, 0, len(iconPaths))
	for n := range iconPaths {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// icon is the template function {{icon "name"}}: the icon as inline SVG,
// hidden from screen readers because it decorates text that says the same.
// {{icon "name" "label"}} is for an icon that carries meaning on its own
// (a state shown without a word): the label follows as visually hidden
// text, so it is read out and translated like any other text. The width
// and height attributes keep the icon small should the stylesheet fail.
// An unknown name is an error, so a template with a typo fails to render
// (and its test fails) rather than showing a hole.
func icon(name string, label ...string) (template.HTML, error) {
	paths, ok := iconPaths[name]
	if !ok {
		return "", fmt.Errorf("icon %q: not in the set (%s)", name, strings.Join(iconNames(), ", "))
	}
	var b strings.Builder
	b.WriteString(`<svg class="icon icon-`)
	b.WriteString(name)
	b.WriteString(`" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">`)
	b.WriteString(paths)
	b.WriteString(`</svg>`)
	if len(label) > 0 && strings.TrimSpace(label[0]) != "" {
		b.WriteString(`<span class="sr-only">`)
		b.WriteString(template.HTMLEscapeString(label[0]))
		b.WriteString(`</span>`)
	}
	return template.HTML(b.String()), nil
}

// The icon function joins the shared template functions here rather than in
// render.go's list, so the icon set stays in one file. Package variables are
// initialised before init runs, and templates are parsed later, at start.
func init() { funcs["icon"] = icon }

// NavCurrent tells the header which of its sections the page belongs to, so
// the menu marks it (aria-current="page", styled as the current item). A
// pair's pages belong to where the viewer reaches pairs from: home for a
// participant, the programs for a coordinator or an administrator.
func (p *Page) NavCurrent(section string) bool {
	path, _, _ := strings.Cut(p.Path, "?")
	if strings.HasPrefix(path, "/pairs/") {
		if p.User != nil && (p.User.Role == account.RoleCoordinator || p.User.Role == account.RoleAdmin) {
			path = "/programs/pair"
		} else {
			path = "/"
		}
	}
	switch section {
	case "/":
		return path == "/" || path == "/calendar"
	default:
		return path == section || strings.HasPrefix(path, section+"/")
	}
}
