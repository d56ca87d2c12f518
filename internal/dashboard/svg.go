package dashboard

import (
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
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

// Chart geometry in SVG user units. The SVG is drawn at its natural size,
// one unit a CSS pixel, so its 12 px text stays legible on a phone; a chart
// wider than its card scrolls sideways in its figure instead of shrinking.
const (
	chartHeight = 180 // the plot area
	chartTop    = 24  // room for the value above the tallest column
	chartLeft   = 8
	labelLine   = 14 // the height of one line of a column's label
	labelLines  = 3  // a label wraps to at most this many lines
	legendRow   = 20
	charWidth   = 7 // a generous average width of a 12 px character
	minSlot     = 48
	maxSlot     = 96
	wideBars    = 6 // more columns than this never shrink to fit
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

// Ticks are the values the scale marks: 0 and round steps up to top, at
// most five of them, so the gridlines read as a ruler.
func Ticks(top float64) []float64 {
	if top <= 0 {
		return []float64{0}
	}
	step := math.Pow(10, math.Floor(math.Log10(top)))
	for _, m := range []float64{1, 2, 5, 10} {
		if top/(step*m) <= 4 {
			step *= m
			break
		}
	}
	var out []float64
	for v := 0.0; v <= top+step/1000; v += step {
		out = append(out, v)
	}
	return out
}

// wrap breaks a column's label into lines of at most width characters, by
// words, at most labelLines of them. A word or a label too long to fit is
// cut with an ellipsis; cut reports it, so the full label goes into a
// tooltip (the table under the chart always has it too).
func wrap(label string, width int) (lines []string, cut bool) {
	words := strings.Fields(label)
	for _, w := range words {
		if utf8.RuneCountInString(w) > width {
			w, cut = string([]rune(w)[:width-1])+"…", true
		}
		n := len(lines)
		if n > 0 && utf8.RuneCountInString(lines[n-1])+1+utf8.RuneCountInString(w) <= width {
			lines[n-1] += " " + w
			continue
		}
		if n == labelLines {
			last := []rune(lines[n-1])
			if len(last) >= width {
				last = last[:width-1]
			}
			lines[n-1], cut = string(last)+"…", true
			break
		}
		lines = append(lines, w)
	}
	return lines, cut
}

// slot is the width each column gets: room for the longest word of any
// label and for its value, within bounds.
func (c Chart) slot(format func(float64) string) int {
	longest := 0
	for _, b := range c.Bars {
		for _, w := range strings.Fields(b.Label) {
			longest = max(longest, utf8.RuneCountInString(w))
		}
		longest = max(longest, utf8.RuneCountInString(format(b.Total())))
	}
	return min(maxSlot, max(minSlot, longest*charWidth+12))
}

// SVG draws the chart: a scale with gridlines on the left, each column's
// value above it and its label under it, wrapped by words so neighbouring
// labels never overlap. All text is escaped; the markup has no scripts and
// no style attributes, so the page's Content-Security-Policy holds.
func (c Chart) SVG() template.HTML {
	format := c.Format
	if format == nil {
		format = func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	}
	top := c.Max()
	ticks := Ticks(top)
	if top > 0 && len(ticks) > 0 && ticks[len(ticks)-1] > top {
		ticks = ticks[:len(ticks)-1]
	}
	axisWidth := 0
	for _, t := range ticks {
		axisWidth = max(axisWidth, utf8.RuneCountInString(format(t))*charWidth)
	}
	left := chartLeft + axisWidth + 6
	slotWidth := c.slot(format)
	perLine := max(3, (slotWidth-6)/charWidth)
	bottom := 8 + labelLines*labelLine
	legend := 0
	if len(c.Series) > 1 {
		legend = len(c.Series)*legendRow + 8
	}
	width := left + max(len(c.Bars), 1)*slotWidth + chartLeft
	height := chartTop + chartHeight + bottom + legend
	base := chartTop + chartHeight

	var b strings.Builder
	// A chart of a few columns may shrink a little to fit a desktop card;
	// one of many keeps its size and scrolls (and on phones every chart
	// does, by the stylesheet), so its text never shrinks out of reading.
	class := "chart"
	if len(c.Bars) > wideBars {
		class = "chart wide"
	}
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" role="img"`)
	attr(&b, "class", class)
	attr(&b, "width", itoa(width))
	attr(&b, "height", itoa(height))
	attr(&b, "viewBox", "0 0 "+itoa(width)+" "+itoa(height))
	attr(&b, "aria-labelledby", c.ID+"-title "+c.ID+"-desc")
	b.WriteString(`>`)
	elem(&b, "title", c.ID+"-title", c.Title)
	elem(&b, "desc", c.ID+"-desc", c.Desc)
	b.WriteString(`<g aria-hidden="true">`)
	// The scale: a gridline and a value per tick, the axis itself solid.
	if top > 0 {
		for _, t := range ticks {
			y := float64(base) - t/top*chartHeight
			if t > 0 {
				b.WriteString(`<line class="chart-grid"`)
				attr(&b, "x1", itoa(left))
				attr(&b, "y1", ftoa(y))
				attr(&b, "x2", itoa(width-chartLeft))
				attr(&b, "y2", ftoa(y))
				attr(&b, "stroke", "#d6d2c8")
				attr(&b, "stroke-dasharray", "3 3")
				b.WriteString(`/>`)
			}
			text(&b, itoa(left-6), ftoa(y+4), "end", "chart-tick", format(t))
		}
		line(&b, left, chartTop, left, base)
	}
	line(&b, left, base, width-chartLeft, base)

	gap := 10
	if c.Histogram {
		gap = 1
	}
	for i, bar := range c.Bars {
		x := left + i*slotWidth + gap/2
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
		lines, cut := wrap(bar.Label, perLine)
		for j, l := range lines {
			b.WriteString(`<text`)
			attr(&b, "x", cx)
			attr(&b, "y", itoa(base+16+j*labelLine))
			attr(&b, "text-anchor", "middle")
			attr(&b, "class", "chart-label")
			attr(&b, "font-size", "12")
			attr(&b, "fill", "currentColor")
			b.WriteString(">" + template.HTMLEscapeString(l))
			if cut {
				b.WriteString("<title>" + template.HTMLEscapeString(bar.Label) + "</title>")
			}
			b.WriteString("</text>")
		}
	}
	if legend > 0 {
		for s, name := range c.Series {
			y := base + bottom + s*legendRow
			b.WriteString(`<rect`)
			attr(&b, "x", itoa(left))
			attr(&b, "y", itoa(y))
			attr(&b, "width", "12")
			attr(&b, "height", "12")
			attr(&b, "fill", Palette[s%len(Palette)])
			b.WriteString(`/>`)
			text(&b, itoa(left+18), itoa(y+11), "start", "chart-legend", name)
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
