package dashboard

import (
	"encoding/xml"
	"math"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

type svgDoc struct {
	XMLName xml.Name  `xml:"svg"`
	Role    string    `xml:"role,attr"`
	Labels  string    `xml:"aria-labelledby,attr"`
	Title   svgText   `xml:"title"`
	Desc    svgText   `xml:"desc"`
	Group   svgGroup  `xml:"g"`
	Style   *struct{} `xml:"style"`
	Script  *struct{} `xml:"script"`
}

type svgText struct {
	ID   string `xml:"id,attr"`
	Body string `xml:",chardata"`
}

type svgGroup struct {
	Texts []svgLabel `xml:"text"`
}

type svgLabel struct {
	Class string `xml:"class,attr"`
	Body  string `xml:",chardata"`
}

func parseSVG(t *testing.T, markup string) (svgDoc, []map[string]float64) {
	t.Helper()
	if strings.Contains(markup, "style=") || strings.Contains(markup, "<script") || strings.Contains(markup, " on") {
		t.Fatalf("markup the CSP would block: %s", markup)
	}
	var doc svgDoc
	if err := xml.Unmarshal([]byte(markup), &doc); err != nil {
		t.Fatalf("not well-formed: %v\n%s", err, markup)
	}
	// encoding/xml maps one attribute per field, so read the rects' numbers
	// with a second, generic pass.
	dec := xml.NewDecoder(strings.NewReader(markup))
	var rects []map[string]float64
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "rect" {
			m := map[string]float64{}
			for _, a := range se.Attr {
				if f, err := strconv.ParseFloat(a.Value, 64); err == nil {
					m[a.Name.Local] = f
				}
			}
			rects = append(rects, m)
		}
	}
	return doc, rects
}

func TestChartSVGProportional(t *testing.T) {
	t.Parallel()
	c := Chart{ID: "c1", Title: "Meetings <per> month", Desc: `Held & "cancelled"`,
		Series: []string{"Held", "Cancelled"},
		Bars: []Bar{
			{Label: "Jan", Values: []float64{4, 0}},
			{Label: "Feb", Values: []float64{8, 2}},
			{Label: "<Mar>", Values: []float64{1, 1}},
		},
		Format: func(f float64) string { return "n" + strconv.FormatFloat(f, 'f', 0, 64) },
	}
	doc, rects := parseSVG(t, string(c.SVG()))
	if doc.Role != "img" || doc.Labels != "c1-title c1-desc" || doc.Title.ID != "c1-title" || doc.Desc.ID != "c1-desc" {
		t.Errorf("accessible name: %+v", doc)
	}
	if doc.Title.Body != "Meetings <per> month" || doc.Desc.Body != `Held & "cancelled"` {
		t.Errorf("title/desc not escaped and restored: %q %q", doc.Title.Body, doc.Desc.Body)
	}
	// Data rects carry data-value; the legend's squares do not.
	var data []map[string]float64
	for _, r := range rects {
		if _, ok := r["data-value"]; ok {
			data = append(data, r)
		}
	}
	if len(data) != 5 { // the zero segment is not drawn
		t.Fatalf("data rects = %d: %v", len(data), data)
	}
	perUnit := data[0]["height"] / 4
	for _, r := range data {
		if got, want := r["height"], r["data-value"]*perUnit; math.Abs(got-want) > 0.02 {
			t.Errorf("rect for %v has height %v, want %v", r["data-value"], got, want)
		}
	}
	if math.Abs(data[1]["height"]+data[2]["height"]-chartHeight) > 0.02 {
		t.Errorf("the tallest column does not fill the plot: %v", data[1:3])
	}
	// Stacked: the second segment sits on top of the first.
	if math.Abs(data[2]["y"]+data[2]["height"]-data[1]["y"]) > 0.02 {
		t.Errorf("segments not stacked: %v %v", data[1], data[2])
	}
	var labels, values []string
	for _, tx := range doc.Group.Texts {
		switch tx.Class {
		case "chart-label":
			labels = append(labels, tx.Body)
		case "chart-value":
			values = append(values, tx.Body)
		}
	}
	if strings.Join(labels, "|") != "Jan|Feb|<Mar>" || strings.Join(values, "|") != "n4|n10|n2" {
		t.Errorf("labels %q values %q", labels, values)
	}
}

func TestChartSVGEmptyAndHistogram(t *testing.T) {
	t.Parallel()
	empty := Chart{ID: "e", Title: "Nothing", Bars: []Bar{{Label: "a", Values: []float64{0}}}}
	_, rects := parseSVG(t, string(empty.SVG()))
	if len(rects) != 0 || empty.Max() != 0 {
		t.Errorf("an all-zero chart draws bars: %v", rects)
	}
	h := Chart{ID: "h", Title: "Days", Histogram: true, Series: []string{"Pairs"},
		Bars: []Bar{{Label: "0–7", Values: []float64{3}}, {Label: "8–14", Values: []float64{6}}}}
	_, rects = parseSVG(t, string(h.SVG()))
	if len(rects) != 2 || rects[0]["x"]+rects[0]["width"]+1 < rects[1]["x"] {
		t.Errorf("histogram columns do not touch: %v", rects)
	}
	if math.Abs(rects[1]["height"]-2*rects[0]["height"]) > 0.02 {
		t.Errorf("histogram heights not proportional: %v", rects)
	}
}

// TestChartLabelsNeverOverlap draws long Indonesian and Norwegian labels:
// every line of a label fits its column's slot, so neighbours cannot
// overlap; a cut label keeps its full text as a tooltip; the scale is drawn.
func TestChartLabelsNeverOverlap(t *testing.T) {
	t.Parallel()
	c := Chart{ID: "l", Title: "Long", Series: []string{"Pairs"}, Bars: []Bar{
		{Label: "Perjanjian belum ditandatangani sama sekali oleh kedua pihak", Values: []float64{3}},
		{Label: "Oppfølgingssamtaleevaluering", Values: []float64{7}},
		{Label: "Jan", Values: []float64{12}},
	}}
	markup := string(c.SVG())
	doc, _ := parseSVG(t, markup)
	slot := c.slot(func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) })
	var ticks int
	for _, tx := range doc.Group.Texts {
		switch tx.Class {
		case "chart-label":
			if w := utf8.RuneCountInString(strings.TrimSpace(tx.Body)) * charWidth; w > slot-4 {
				t.Errorf("label line %q is %d wide in a %d slot", tx.Body, w, slot)
			}
		case "chart-tick":
			ticks++
		}
	}
	if ticks < 2 {
		t.Errorf("the scale has %d ticks", ticks)
	}
	if !strings.Contains(markup, "<title>Oppfølgingssamtaleevaluering</title>") {
		t.Error("a cut label lost its full text")
	}
	for _, top := range []float64{1, 3.4, 7, 12, 95, 1000} {
		ts := Ticks(top)
		if len(ts) < 2 || len(ts) > 6 || ts[0] != 0 {
			t.Errorf("Ticks(%v) = %v", top, ts)
		}
	}
}
