package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// narrowTextJS names the elements whose text wraps in a box narrower than
// four average characters of its own font: the look of a label/value list
// whose column collapsed, one letter per line, in Indonesian and Norwegian.
// An element counts when one of its own text nodes holds at least four
// non-space characters and is laid out on more than one line. The box
// measured is the element's own content box, or that of the nearest
// ancestor that is not inline (text in a <span> wraps in its block); text
// that is a flex or grid item on its own (an anonymous item beside an icon)
// is measured by the extent of its lines. Screen-reader-only text (also a
// clipped box of a pixel), form controls and SVG are left out: they are not
// read on screen as lines.
const narrowTextJS = `(() => {
  const out = [];
  const canvas = document.createElement('canvas').getContext('2d');
  const sample = 'abcdefghijklmnopqrstuvwxyz';
  const avgChar = cs => {
    canvas.font = cs.fontStyle + ' ' + cs.fontWeight + ' ' + cs.fontSize + ' ' + cs.fontFamily;
    return canvas.measureText(sample).width / sample.length;
  };
  const describe = el => {
    const part = e => {
      let d = e.tagName.toLowerCase();
      if (e.id) d += '#' + e.id;
      if (typeof e.className === 'string' && e.className.trim()) d += '.' + e.className.trim().split(/\s+/).join('.');
      return d;
    };
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 3; e = e.parentElement) parts.unshift(part(e));
    return parts.join(' > ');
  };
  const lines = rects => {
    let n = 0, lastTop = -Infinity;
    for (const r of [...rects].filter(r => r.width > 0 && r.height > 0).sort((a, b) => a.top - b.top)) {
      if (r.top > lastTop + r.height / 2) { n++; lastTop = r.top; }
    }
    return n;
  };
  // Text kept for screen readers in a clipped box of a pixel or less (a
  // table head hidden where rows become cards) is not on screen to read.
  const visuallyHidden = el => {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const r = e.getBoundingClientRect();
      if (r.width > 1 && r.height > 1) continue;
      const cs = getComputedStyle(e);
      if (cs.clip !== 'auto' || cs.clipPath !== 'none' || cs.overflow !== 'visible') return true;
    }
    return false;
  };
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node && out.length < 10; node = walker.nextNode()) {
    if (node.data.replace(/\s+/g, '').length < 4) continue;
    const el = node.parentElement;
    if (!el || seen.has(el)) continue;
    if (el.closest('svg, script, style, noscript, template, select, option, textarea, .sr-only, [hidden]')) continue;
    if (visuallyHidden(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const n = lines(range.getClientRects());
    if (n < 2) continue;
    seen.add(el);
    const cs = getComputedStyle(el);
    let box = el;
    while (box.parentElement && ['inline', 'contents'].includes(getComputedStyle(box).display)) box = box.parentElement;
    const bs = getComputedStyle(box);
    let width;
    if (/flex|grid/.test(bs.display) && box.childNodes.length > 1) {
      width = range.getBoundingClientRect().width;
    } else {
      width = box.clientWidth - parseFloat(bs.paddingLeft) - parseFloat(bs.paddingRight);
    }
    const four = 4 * avgChar(cs);
    if (width + 0.5 < four) {
      const text = node.data.trim().replace(/\s+/g, ' ').slice(0, 60);
      out.push(describe(el) + ' "' + text + '": ' + Math.round(width) + ' px wide on ' + n + ' lines, four characters need ' + Math.round(four) + ' px');
    }
  }
  return out;
})()`

// checkNarrowText fails the page for every element that wraps its text in
// a box narrower than four characters, at the width the page has now.
func checkNarrowText(t *testing.T, ctx context.Context, name, loc string, width int) {
	t.Helper()
	if narrow := eval[[]string](t, ctx, narrowTextJS); len(narrow) > 0 {
		t.Errorf("%s (%s): text squeezed under four characters wide at %d px:\n    %s", name, loc, width, strings.Join(narrow, "\n    "))
	}
}

// useCrawlLanguage switches the signed-in person to the language named by
// MENTORSKAP_E2E_LANG (nb, sv, id, en), if set, with the header's language
// form. The demo's people each keep their own language otherwise; this lets
// one run check and photograph every role's pages in Indonesian, say, where
// the longest words are.
func useCrawlLanguage(t *testing.T, ctx context.Context, s *server) {
	t.Helper()
	lang := os.Getenv("MENTORSKAP_E2E_LANG")
	if lang == "" {
		return
	}
	langJSON, _ := json.Marshal(lang)
	run(t, ctx, chromedp.Navigate(s.URL+"/"), chromedp.WaitReady(chromedp.CSS("#lang-switch")))
	// The old page is marked, so that the wait below ends on the page the
	// form brings (a person already in lang would otherwise match at once,
	// and the next navigation would abort the form's).
	eval[chromedp.Void](t, ctx, `(() => { window.__beforeLang = true; const s = document.getElementById('lang-switch'); s.value = `+string(langJSON)+`; s.form.submit(); })()`)
	// Asked from Go, not polled in the page: the navigation ends any
	// script running in the old one.
	ready := `!window.__beforeLang && document.readyState === 'complete' && document.documentElement.lang === ` + string(langJSON)
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](ready)); err == nil && ok {
			return
		}
	}
	t.Fatalf("the page never came back in %s%s", lang, saveFailure(t, ctx))
}

// TestNarrowTextCheck shows the check itself at work, on pages written
// here: a label/value list whose label column has collapsed (the grid the
// pages had before, in a box that sizes to its content) is reported with
// its text, and the product's stylesheet keeps the same Indonesian and
// Norwegian lists readable in a card, a flex row and a table cell, at phone
// and desktop widths.
func TestNarrowTextCheck(t *testing.T) {
	t.Parallel()
	css, err := os.ReadFile(filepath.Join("..", "internal", "web", "static", "app.css"))
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	write := func(html string) {
		t.Helper()
		doc, _ := json.Marshal(html)
		run(t, b, chromedp.Navigate("about:blank"))
		eval[chromedp.Void](t, b, `(() => { document.open(); document.write(`+string(doc)+`); document.close(); })()`)
	}
	facts := `<dl class="facts">
	  <dt>Jeda terlama antarpertemuan (hari)</dt><dd>31 hari</dd>
	  <dt>Mentee boleh mengirim pertanyaan singkat di antara pertemuan</dt><dd>Ya · Mentor atau mentee, sesuai pilihan mereka</dd>
	  <dt>Lengste opphold mellom møter</dt><dd>Forberedelsesspørsmål til første møte</dd>
	  <dt>Tautan pendaftaran untuk dibagikan</dt><dd>http://127.0.0.1:33753/join/XA1Nm349fuxPvyxRyMTbXOdi</dd>
	</dl>`

	// The old grid: a label column of fit-content(45%) whose words may break
	// anywhere, in a box as wide as its content allows.
	write(`<!doctype html><html lang="id"><body style="font:16px sans-serif">
	<div style="display:flex"><div style="flex:0 1 auto;width:min-content">
	<dl style="display:grid;grid-template-columns:fit-content(45%) minmax(0,1fr)">
	  <dt style="overflow-wrap:anywhere">Jeda terlama antarpertemuan</dt><dd style="overflow-wrap:anywhere;margin:0">31 hari</dd>
	</dl></div></div></body></html>`)
	bad := eval[[]string](t, b, narrowTextJS)
	if len(bad) == 0 || !strings.Contains(bad[0], `dt "Jeda terlama antarpertemuan"`) {
		t.Errorf("a collapsed label column went unreported: %q", bad)
	}

	write(`<!doctype html><html lang="id"><head><meta name="viewport" content="width=device-width, initial-scale=1"><style>` + string(css) + `</style></head><body><main class="wrap">
	<div class="grid three"><section class="card">` + facts + `</section><section class="card">` + facts + `</section><section class="card">x</section></div>
	<div class="grid two"><section class="card">` + facts + `</section><section class="card">x</section></div>
	<div class="card">` + facts + `</div>
	<div class="page-head"><div>` + facts + `</div><div class="actions"><a class="button" href="#">Ubah pengaturan</a></div></div>
	<div class="table-wrap"><table><tr><th scope="row">Dewi Lestari</th><td>` + facts + `</td><td>Sedang berjalan</td></tr></table></div>
	</main></body></html>`)
	for _, w := range []int64{phoneWidth, 800, 1280} {
		run(t, b, setWidth(w))
		if narrow := eval[[]string](t, b, narrowTextJS); len(narrow) > 0 {
			t.Errorf("at %d px the stylesheet squeezes text:\n    %s", w, strings.Join(narrow, "\n    "))
		}
	}
	run(t, b, resetWidth())
}
