package dashboard

import (
	"html/template"
	"strconv"
	"strings"
)

// Chart is a column chart drawn on the server as SVG: plain columns for one
// series, stacked columns for several, touching columns for a histogram.
// Every text in it comes from the caller, already in the viewer's language.
type Chart struct {
	ID        string // unique on the page; names the title and description
	Title     string
	Desc      string
	Series    []string // one name per stacked segment
	Bars      []Bar
	Histogram bool                 // columns touch: the x axis is continuous
	Format    func(float64) string // numbers as the viewer's locale writes them
}

// Bar is one column: its label and one value per series. Name, when set,
// is a longer label for the data table, where there is room for it.
type Bar struct {
	Label  string
	Name   string
	Values []float64
}

// Total is the height of the whole column.
func (b Bar) Total() float64 {
	var t float64
	for _, v := range b.Values {
		t += v
	}
	return t
}

// Chart geometry in SVG user units; the SVG scales to its container.
const (
	chartHeight = 180 // the plot area
	chartTop    = 24  // room for the value above the tallest column
	chartBottom = 40  // room for the labels under the columns
	chartLeft   = 8
	slotWidth   = 56
	legendRow   = 20
	wideBars    = 8
)

// Palette colours the series; they keep a 3:1 contrast with white.
var Palette = []string{"#1f6f8b", "#c4572a", "#5b7a2e", "#7d4e9f", "#8a6d1c", "#a13d5a"}

// Max is the tallest column, the scale of the chart.
func (c Chart) Max() float64 {
	var m float64
	for _, b := range c.Bars {
		m = max(m, b.Total())
	}
	return m
}

// SVG draws the chart. All text is escaped; the markup has no scripts and
// no style attributes, so the page's Content-Security-Policy holds.
func (c Chart) SVG() template.HTML {
	format := c.Format
	if format == nil {
		format = func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	}
	legend := 0
	if len(c.Series) > 1 {
		legend = len(c.Series)*legendRow + 8
	}
	width := chartLeft*2 + max(len(c.Bars), 1)*slotWidth
	height := chartTop + chartHeight + chartBottom + legend
	base := chartTop + chartHeight
	top := c.Max()

	var b strings.Builder
	// A chart with many columns keeps its size and scrolls sideways in its
	// figure rather than shrinking its labels out of legibility.
	if len(c.Bars) > wideBars {
		b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart wide"`)
		attr(&b, "width", itoa(width))
		attr(&b, "height", itoa(height))
	} else {
		b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" width="100%"`)
	}
	attr(&b, "viewBox", "0 0 "+itoa(width)+" "+itoa(height))
	attr(&b, "aria-labelledby", c.ID+"-title "+c.ID+"-desc")
	b.WriteString(`>`)
	elem(&b, "title", c.ID+"-title", c.Title)
	elem(&b, "desc", c.ID+"-desc", c.Desc)
	b.WriteString(`<g aria-hidden="true">`)
	line(&b, chartLeft, base, width-chartLeft, base)

	gap := 10
	if c.Histogram {
		gap = 1
	}
	for i, bar := range c.Bars {
		x := chartLeft + i*slotWidth + gap/2
		w := slotWidth - gap
		y := float64(base)
		for s, v := range bar.Values {
			if v <= 0 || top == 0 {
				continue
			}
			h := v / top * chartHeight
			y -= h
			b.WriteString(`<rect`)
			attr(&b, "x", itoa(x))
			attr(&b, "y", ftoa(y))
			attr(&b, "width", itoa(w))
			attr(&b, "height", ftoa(h))
			attr(&b, "fill", Palette[s%len(Palette)])
			attr(&b, "data-value", ftoa(v))
			b.WriteString(`/>`)
		}
		cx := itoa(x + w/2)
		text(&b, cx, ftoa(y-6), "middle", "chart-value", format(bar.Total()))
		text(&b, cx, itoa(base+16), "middle", "chart-label", bar.Label)
	}
	if legend > 0 {
		for s, name := range c.Series {
			y := base + chartBottom + s*legendRow
			b.WriteString(`<rect`)
			attr(&b, "x", itoa(chartLeft))
			attr(&b, "y", itoa(y))
			attr(&b, "width", "12")
			attr(&b, "height", "12")
			attr(&b, "fill", Palette[s%len(Palette)])
			b.WriteString(`/>`)
			text(&b, itoa(chartLeft+18), itoa(y+11), "start", "chart-legend", name)
		}
	}
	b.WriteString(`</g></svg>`)
	// The builder escaped every text and attribute value above.
	return template.HTML(b.String())
}

func attr(b *strings.Builder, name, value string) {
	b.WriteString(" " + name + `="` + template.HTMLEscapeString(value) + `"`)
}

func elem(b *strings.Builder, name, id, body string) {
	b.WriteString("<" + name)
	attr(b, "id", id)
	b.WriteString(">" + template.HTMLEscapeString(body) + "</" + name + ">")
}

func text(b *strings.Builder, x, y, anchor, class, body string) {
	b.WriteString(`<text`)
	attr(b, "x", x)
	attr(b, "y", y)
	attr(b, "text-anchor", anchor)
	attr(b, "class", class)
	attr(b, "font-size", "12")
	attr(b, "fill", "currentColor")
	b.WriteString(">" + template.HTMLEscapeString(body) + "</text>")
}

func line(b *strings.Builder, x1, y1, x2, y2 int) {
	b.WriteString(`<line`)
	attr(b, "x1", itoa(x1))
	attr(b, "y1", itoa(y1))
	attr(b, "x2", itoa(x2))
	attr(b, "y2", itoa(y2))
	attr(b, "stroke", "#555")
	b.WriteString(`/>`)
}

func itoa(n int) string { return strconv.Itoa(n) }

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }
